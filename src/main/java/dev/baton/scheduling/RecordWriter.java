package dev.baton.scheduling;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import dev.baton.Term;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.JobRecord.Outcome;

/**
 * Writes job records into the Lease through its elector ({@link LeaderElector#updateAnnotations(Term,
 * java.util.function.Function)}): on the elector's thread, between renewals, conditional on the version this leader
 * last wrote, and only while the run's term is valid. What may replace what is decided there, on the very version
 * that is written ({@link #refusal}).
 */
final class RecordWriter {

    private static final Logger LOG = Logger.getLogger(RecordWriter.class);

    private final int maxRecords;
    private final Duration writeTimeout;
    private final Predicate<String> isJobOfThisApp;

    /**
     * @param maxRecords how many job records one Lease may carry
     * @param writeTimeout how long {@link #write} waits
     * @param isJobOfThisApp whether a job id is one of this application's jobs (only those count against the bound)
     */
    RecordWriter(int maxRecords, Duration writeTimeout, Predicate<String> isJobOfThisApp) {
        this.maxRecords = maxRecords;
        this.writeTimeout = writeTimeout;
        this.isJobOfThisApp = isJobOfThisApp;
    }

    /**
     * Why {@code record} must not be written over {@code annotations} (the Lease's, as about to be written) inside a
     * term of {@code epoch}, or null when it may. Two rules:
     * <ol>
     * <li>Never back to an older slot: when two runs overlapped and the older one finished last, the newer slot is
     * what guards against reruns; and a slot ahead of this replica's clock stays (see {@link RecordReader}). Only a
     * record no leader wrote ({@link RecordReader#believable}) does not count.</li>
     * <li>The bound: a Lease carries at most {@code maxRecords} records of this application's jobs (1 KiB each, well
     * under the 256 KiB Kubernetes allows for all annotations). A job already recorded may always update its own.</li>
     * </ol>
     */
    static String refusal(Map<String, String> annotations, String key, JobRecord record, long epoch,
            int maxRecords, Predicate<String> isJobOfThisApp) {
        Optional<JobRecord> current = JobRecord.parse(annotations.get(key))
                .filter(r -> RecordReader.believable(r, epoch));
        if (current.isPresent() && current.get().slot().isAfter(record.slot())) {
            return "slot " + current.get().slot() + " is already recorded";
        }
        long others = annotations.keySet().stream().filter(k -> k.startsWith(JobRecord.PREFIX) && !k.equals(key)
                && isJobOfThisApp.test(k.substring(JobRecord.PREFIX.length()))).count();
        if (!annotations.containsKey(key) && others >= maxRecords) {
            return "the Lease already carries " + others + " job records (baton.jobs.max-records)";
        }
        return null;
    }

    /**
     * Writes and waits up to the write timeout; false when the record was refused, failed or not written in time.
     * A caller that gives up (timeout, interrupt) on a started record cancels the write if it has not been sent yet,
     * so that it cannot land for a slot that was not run. A final record is left to land however late: for a job
     * without catch-up it is the only thing that keeps the next leader from running the slot again.
     */
    boolean write(JobSpec spec, LeaderElector elector, Term term, JobRecord record) {
        AtomicBoolean abandoned = new AtomicBoolean();
        boolean withdrawIfLate = record.outcome() == Outcome.RUNNING;
        try {
            return writeAsync(spec, elector, term, record, abandoned).get(writeTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            abandoned.set(withdrawIfLate);
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            abandoned.set(withdrawIfLate);
            return false;
        }
    }

    /** Writes without waiting: for a run that ended on the event loop, which must not block. */
    CompletableFuture<Boolean> writeAsync(JobSpec spec, LeaderElector elector, Term term, JobRecord record) {
        return writeAsync(spec, elector, term, record, new AtomicBoolean());
    }

    private CompletableFuture<Boolean> writeAsync(JobSpec spec, LeaderElector elector, Term term, JobRecord record,
            AtomicBoolean abandoned) {
        String key = spec.recordKey();
        AtomicReference<String> refused = new AtomicReference<>();
        return elector.updateAnnotations(term, annotations -> {
            String why = abandoned.get() ? "its writer gave up waiting"
                    : refusal(annotations, key, record, term.epoch(), maxRecords, isJobOfThisApp);
            if (why != null) {
                refused.set(why);
                return null;
            }
            return Map.of(key, record.toJson());
        }).whenComplete((ok, e) -> {
            if (!Boolean.TRUE.equals(ok)) {
                String why = refused.get();
                if (why != null && record.outcome() != Outcome.RUNNING) {
                    LOG.debugf("Singleton job %s: record for slot %s (%s) not written: %s", spec.id(), record.slot(),
                            record.outcome(), why);
                } else {
                    LOG.infof("Singleton job %s: record for slot %s (%s) not written to lease %s%s", spec.id(),
                            record.slot(), record.outcome(), elector.lease(), why == null ? "" : ": " + why);
                }
            }
        });
    }
}
