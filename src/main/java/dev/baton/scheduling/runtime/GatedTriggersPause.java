package dev.baton.scheduling.runtime;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;

/**
 * At shutdown, before the drain ({@link GracefulHandover}), pauses every trigger this package gates (each
 * {@link SingletonJob} and each job gated by {@link LeaderOnly}), so that no skip predicate is evaluated once the CDI
 * container may be gone.
 * <p>
 * Why: Quarkus evaluates a skip predicate on a worker thread, and when it says "skip" it fires a
 * {@code SkippedExecution} event. The scheduler goes on firing through the whole shutdown (it stops when its bean
 * is destroyed, with the container), and the worker pool outlives the container: an evaluation still on its way
 * when the container has shut down fires into it, and Quarkus logs {@code ERROR ... SkipPredicateInvoker ... Error
 * while firing SkippedExecution event [Error Occurred After Shutdown]}. During shutdown every one of these fires is
 * a skip ({@code draining}), so there is nothing to lose by not firing them at all; paused here, the last one was
 * handed out before the drain and the Leases' release, long before the container goes.
 * <p>
 * Per-replica jobs are left alone: their predicates, if any, are not ours, and they run until Quarkus stops them.
 */
@Singleton
public class GatedTriggersPause {

    private static final Logger LOG = Logger.getLogger(GatedTriggersPause.class);

    private final Scheduler scheduler;
    private final JobManager jobs;

    GatedTriggersPause(Scheduler scheduler, JobManager jobs) {
        this.scheduler = scheduler;
        this.jobs = jobs;
    }

    /** Pauses the gated triggers; called by {@link GracefulHandover} before the drain. */
    void pause() {
        if (!scheduler.isStarted()) {
            return; // nothing fires (and pausing a scheduler that never started throws)
        }
        int paused = 0;
        for (Trigger trigger : scheduler.getScheduledJobs()) {
            if (gated(trigger)) {
                scheduler.pause(trigger.getId());
                paused++;
            }
        }
        LOG.debugf("Shutdown: paused %d trigger(s) gated by LeaderOnly or @SingletonJob", paused);
    }

    /** A {@code @SingletonJob} method, a method declared with {@code skipExecutionIf = LeaderOnly.class}, or a
     * programmatic job that {@code LeaderOnly} has gated. */
    private boolean gated(Trigger trigger) {
        String method = trigger.getMethodDescription();
        if (method == null) {
            return jobs.seenByLeaderOnly(trigger.getId());
        }
        return jobs.forMethod(method).isPresent() || jobs.scheduledMethods().gatedByLeaderOnly(method);
    }
}
