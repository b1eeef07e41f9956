package dev.baton.scheduling.run;

import dev.baton.scheduling.telemetry.JobMetrics;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.baton.Term;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.records.CatchUpDecision;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.records.RecordReader;
import dev.baton.threads.DaemonThreads;

/**
 * Catch-up when a term begins: for each job of that term's Lease, asks {@link CatchUpDecision} about the slot
 * missed since its record and acts on the answer (log and count a skip, or invoke the job for that slot). Off the
 * elector's thread, which must get back to renewing: on threads of its own, one per catch-up while it runs, so a
 * long job does not hold back the others of the same term.
 */
final class CatchUps {

    private static final Logger LOG = Logger.getLogger(CatchUps.class);

    private final Collection<RegisteredJob> jobs;
    private final Function<String, LeaderElector> electors;
    private final Clock clock;
    private final RecordReader records;
    private final JobMetrics metrics;
    private final ExecutorService pool = Executors.newCachedThreadPool(DaemonThreads.named("baton-jobs-catch-up"));

    /**
     * @param jobs the registered jobs (a live view)
     * @param electors the elector of a Lease name; null while that Lease's elector has not started
     */
    CatchUps(Collection<RegisteredJob> jobs, Function<String, LeaderElector> electors, Clock clock,
            RecordReader records, JobMetrics metrics) {
        this.jobs = jobs;
        this.electors = electors;
        this.clock = clock;
        this.records = records;
        this.metrics = metrics;
    }

    /** A term began: looks for missed slots of its Lease's jobs. Returns at once. */
    void termStarted(Term term) {
        submit(() -> catchUp(term), "Singleton jobs: looking for slots missed before epoch " + term.epoch() + " of "
                + term.lease());
    }

    /** Starts no more catch-ups and interrupts those running (the drain has stopped their runs already). */
    void shutdown() {
        pool.shutdownNow();
    }

    private void catchUp(Term term) {
        for (RegisteredJob job : jobs) {
            JobSpec spec = job.spec;
            LeaderElector elector = electors.apply(spec.leaseName());
            if (elector == null || !elector.lease().equals(term.lease()) || spec.cron().isEmpty() || !term.isValid()) {
                continue;
            }
            CatchUpDecision decision = CatchUpDecision.decide(spec, records.last(spec), clock.instant());
            Instant slot = decision.slot();
            switch (decision.verdict()) {
                case NOTHING_MISSED -> {
                    continue;
                }
                case SKIP -> LOG.infof("Singleton job %s: slot %s was missed (last run: %s); skipped (catchUp = SKIP)",
                        spec.id(), slot, decision.lastSlot());
                case PAST_DEADLINE -> LOG.infof("Singleton job %s: missed slot %s is older than its starting deadline "
                        + "(%s); skipped", spec.id(), slot, spec.startingDeadline().orElseThrow());
                case SUSPENDED -> LOG.infof("Singleton job %s: slot %s was missed while the job was suspended (since %s);"
                        + " not caught up", spec.id(), slot, records.last(spec).map(JobRecord::suspendedSince)
                                .orElse(null));
                case RUN -> {
                    if (!submit(() -> invoke(job, slot), "Singleton job " + spec.id() + ": catching up slot " + slot)) {
                        return; // shutting down
                    }
                    continue;
                }
            }
            metrics.skipped(spec, decision.verdict().skipReason);
        }
    }

    private static void invoke(RegisteredJob job, Instant slot) {
        new PendingFire(job.spec.id(), slot, RunTrigger.CATCH_UP, null).during(() -> job.invoker.apply(slot));
    }

    /**
     * Runs {@code task} on a catch-up thread; false when the pool is shut down (the application is stopping). The
     * one place where catch-up swallows a failure: it is logged, and the term, the elector and other jobs go on.
     */
    private boolean submit(Runnable task, String what) {
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "%s failed", what);
                }
            });
            return true;
        } catch (RuntimeException e) {
            return false; // shut down: nothing more is started
        }
    }
}
