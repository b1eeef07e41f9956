package dev.baton.scheduling.run;

import dev.baton.scheduling.telemetry.JobMetrics;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

import org.jboss.logging.Logger;

import dev.baton.election.LeaderElector;
import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.records.RecordWriter;

/**
 * How a run ends, whichever link ends it: it is unregistered, its outcome decided ({@link #outcome}), counted and,
 * while its term is still valid, handed to the Lease: as the job's final record and history entry, or for a run
 * request as its run status and history entry. That record rides on the elector's next write of the Lease (see
 * {@link RecordWriter}): no run waits for it, and it costs no request of its own. What keeps the slot or the token
 * from running again was written before the run, where it has to be.
 */
final class RunEnd {

    private static final Logger LOG = Logger.getLogger(RunEnd.class);

    private final String identity;
    private final Clock clock;
    private final RunsInProgress runs;
    private final RecordWriter writer;
    private final JobMetrics metrics;

    RunEnd(String identity, Clock clock, RunsInProgress runs, RecordWriter writer, JobMetrics metrics) {
        this.identity = identity;
        this.clock = clock;
        this.runs = runs;
        this.writer = writer;
        this.metrics = metrics;
    }

    /**
     * The outcome of a run that ended with {@code failure} (null: it returned normally). A run that had been told
     * to stop is INTERRUPTED even if it returned normally: a job that swallowed the interrupt did not necessarily
     * finish its work.
     *
     * @param stopped whether the run had been told to stop
     */
    static Outcome outcome(boolean stopped, Throwable failure) {
        return outcome(stopped, false, failure);
    }

    /**
     * As {@link #outcome(boolean, Throwable)}; a run stopped because it ran past its timeout is TIMED_OUT, however it
     * then ended (the interrupt it was sent explains an InterruptedException or a cancellation).
     *
     * @param timedOut whether the stop came from the run's timeout
     */
    static Outcome outcome(boolean stopped, boolean timedOut, Throwable failure) {
        if (stopped && timedOut) {
            return Outcome.TIMED_OUT;
        }
        Throwable cause = unwrap(failure);
        if (stopped || cause instanceof InterruptedException || cause instanceof CancellationException) {
            return Outcome.INTERRUPTED;
        }
        return cause == null ? Outcome.SUCCEEDED : Outcome.FAILED;
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * The Lease already says this run began (its started record or its request's claim landed), but its term ended
     * before the method did: record truthfully that it did not run, while the term may still be valid, and give the
     * scheduler the value of a run that did not happen. Not a skip: the slot or the token is used up.
     */
    Object stoppedBeforeItBegan(Fire fire) {
        Run run = fire.run;
        end(run, fire.elector, new CancellationException("stopped before it began: "
                + (run.stopReason != null ? run.stopReason : "its term (epoch " + fire.term.epoch() + ") ended")));
        return fire.skippedResult();
    }

    /** Ends {@code run}, which failed with {@code failure} (null: it returned normally). */
    void end(Run run, LeaderElector elector, Throwable failure) {
        boolean stopped = run.finish();
        if (run.blocking && stopped) {
            // Our interrupt must not hit the thread's next task; one from anyone else is theirs to see.
            Thread.interrupted();
        }
        Throwable cause = unwrap(failure);
        Outcome outcome = outcome(stopped, run.timedOut, failure);
        run.outcome = outcome;
        long durationNanos = System.nanoTime() - run.startNanos;
        runs.remove(run);
        JobSpec spec = run.spec;
        metrics.ran(spec, outcome, durationNanos);
        if (outcome == Outcome.INTERRUPTED || outcome == Outcome.TIMED_OUT) {
            LOG.infof("Singleton job %s: run for slot %s stopped (%s)", spec.id(), run.slot,
                    run.stopReason == null ? String.valueOf(cause) : run.stopReason);
        }
        boolean manual = run.trigger == RunTrigger.MANUAL;
        JobRecord record = new JobRecord(run.slot, manual ? JobRecord.cut(identity, JobRecord.SHORT_REPLICA) : identity,
                run.term.epoch(), outcome, Duration.ofNanos(durationNanos).toMillis(), clock.instant(),
                run.catchUp ? Boolean.TRUE : null, JobRecord.describe(cause), run.trigger.value, run.request,
                run.attempt, null, null);
        run.ended.complete(record);
        if (!run.term.isValid()) {
            LOG.infof("Singleton job %s: %s ended %s after its term (epoch %d) ended; not recorded",
                    spec.id(), manual ? "the run of request " + run.request : "slot " + run.slot, outcome,
                    run.term.epoch());
        } else if (manual) {
            // A requested run is outside the schedule: it settles its request, never a slot.
            writer.finishRequest(spec, elector, run.term, record);
        } else {
            writer.writeFinal(spec, elector, run.term, record);
        }
    }
}
