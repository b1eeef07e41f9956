package dev.baton.scheduling.run;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.controls.LeaseControls;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.threads.DaemonThreads;
import io.smallrye.mutiny.Uni;

/**
 * Starts the run a request asks for, on a thread of Baton's own (never the scheduler's, the elector's or the
 * controls'): the job is invoked as a catch-up is, with the request pending ({@link PendingFire}), so that it goes
 * through the interceptor and the whole chain like any fire; its slot is the moment it starts. A returned
 * {@code Uni} is subscribed (nobody else would). A failure was recorded by the run's links, and is logged here as
 * the scheduler logs the failures of the runs it fires.
 */
final class RequestStarter implements LeaseControls.Dispatch {

    private static final Logger LOG = Logger.getLogger(RequestStarter.class);

    private final Clock clock;
    private final Function<String, RegisteredJob> jobs;
    private final ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("baton-jobs-request"));

    RequestStarter(Clock clock, Function<String, RegisteredJob> jobs) {
        this.clock = clock;
        this.jobs = jobs;
    }

    @Override
    public void start(JobSpec spec, String token, Runnable done) {
        RegisteredJob job = jobs.apply(spec.id());
        try {
            threads.execute(() -> {
                Instant slot = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                try {
                    Object result = new PendingFire(job.spec.id(), slot, RunTrigger.MANUAL, token)
                            .during(() -> job.invoker.apply(slot));
                    if (result instanceof Uni<?> uni) {
                        uni.subscribe().with(item -> {
                        }, failure -> LOG.warnf("Singleton job %s: the run of request %s failed: %s", job.spec.id(),
                                token, failure));
                    }
                } catch (RuntimeException e) {
                    if (stoppedByUs(e)) {
                        LOG.debugf("Singleton job %s: the run of request %s was stopped: %s", job.spec.id(), token, e);
                    } else {
                        LOG.warnf(e, "Singleton job %s: the run of request %s failed", job.spec.id(), token);
                    }
                } finally {
                    done.run();
                }
            });
        } catch (RejectedExecutionException e) {
            done.run(); // shutting down: nothing more is started
        }
    }

    /** Starts nothing more, and interrupts the requested runs still going (the drain has stopped them already). */
    void shutdown() {
        threads.shutdownNow();
    }

    /** An interruption or cancellation (the run's stop, already logged by {@link RunEnd}), however wrapped. */
    private static boolean stoppedByUs(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof CancellationException) {
                return true;
            }
        }
        return false;
    }
}
