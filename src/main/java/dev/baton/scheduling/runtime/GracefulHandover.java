package dev.baton.scheduling.runtime;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.baton.runtime.Elections;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;

/**
 * A graceful stop hands leadership over first, before anything else shuts down: no Lease is taken any more, the
 * gated triggers are paused, the singleton runs drain, and the Leases are released, so that a standby takes over
 * while this process is still closing its HTTP server and the rest.
 * <p>
 * Why on {@link ShutdownDelayInitiatedEvent}: it is the first thing Quarkus does on SIGTERM, in its pre-shutdown
 * phase (fired because {@code quarkus.shutdown.delay-enabled=true}; no delay is configured, so none is waited),
 * ahead of the HTTP server's graceful shutdown ({@code quarkus.shutdown.timeout}), of a
 * {@code quarkus.shutdown.delay} a deployment may set for its load balancer, and of every {@code ShutdownEvent}
 * observer, whose order among other beans' observers only their priorities decide. A release that waited behind
 * them left the Lease held, and the jobs unrun, for as long as they took. If that phase did not run (a build with
 * {@code quarkus.shutdown.delay-enabled=false}), the same happens on {@code ShutdownEvent}, before the observers of
 * default priority. Either way the order within is the one that keeps jobs safe:
 * <ol>
 * <li>no take: a standby that stops while its leader hands over must not start a term only to end it;</li>
 * <li>the gated triggers paused ({@link GatedTriggersPause});</li>
 * <li>the drain ({@link JobManager#drain()}): a run that ignores being stopped keeps its Lease from being released
 * (left to expire), so that no standby overlaps with it;</li>
 * <li>the release of every other Lease ({@link Elections#stop()}).</li>
 * </ol>
 */
@Singleton
public class GracefulHandover {

    private static final Logger LOG = Logger.getLogger(GracefulHandover.class);

    private final JobManager jobs;
    private final GatedTriggersPause triggers;
    private final Elections elections;
    private boolean handedOver;

    GracefulHandover(JobManager jobs, GatedTriggersPause triggers, Elections elections) {
        this.jobs = jobs;
        this.triggers = triggers;
        this.elections = elections;
    }

    void beforeShutdown(@Observes ShutdownDelayInitiatedEvent event) {
        handOver("pre-shutdown");
    }

    void onStop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        handOver("ShutdownEvent");
    }

    /** Once; a second call (the ShutdownEvent after the pre-shutdown phase) returns when the first has finished. */
    synchronized void handOver(String phase) {
        if (handedOver) {
            return;
        }
        handedOver = true;
        long began = System.nanoTime();
        jobs.stopTaking();
        triggers.pause();
        jobs.drain();
        elections.stop();
        LOG.debugf("Shutdown (%s): leadership handed over in %d ms", phase, (System.nanoTime() - began) / 1_000_000);
    }
}
