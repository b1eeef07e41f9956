package dev.baton.scheduling.telemetry;

import java.time.Instant;

import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.records.JobRecord;

/**
 * Told of each singleton run as it begins and of how it ended: the seam through which tracing follows runs
 * ({@code dev.baton.observability.RunSpans}) while the chain knows nothing of tracing. Set on the runner with
 * {@link JobRunner#listen}; without one, no link is added to the chain. A run here is one attempt: a job that
 * retries begins a run for each.
 * <p>
 * {@link #begins} is called on the thread that is about to call the job's method, after every check and write that
 * decides the run happens; what it makes current on that thread (a span's context) is current for the method, so
 * the method's own spans are its children. A listener must not block and should not throw: a failure is logged,
 * and the run goes on unobserved.
 */
public interface RunListener {

    /** A run begins on this thread; the returned watch hears the rest. */
    Watch begins(Begun run);

    /**
     * What is known of a run when it begins.
     *
     * @param job the job's id
     * @param slot the slot it runs for (for a run request: when the request was claimed)
     * @param epoch its term's epoch, the fencing token
     * @param replica this replica's identity
     * @param trigger what fired it
     * @param attempt the attempt's number, from 1
     */
    record Begun(String job, Instant slot, long epoch, String replica, RunTrigger trigger, int attempt) {
    }

    /** One run, watched from its beginning. */
    interface Watch {

        /**
         * The method returned (for a {@code Uni} or stage job: returned its result) or threw: what {@link #begins}
         * made current on the thread is undone. May come before or after {@link #ended}.
         */
        void left();

        /**
         * The run ended, on whichever thread ended it.
         *
         * @param record how it ended, as written to its Lease (also when it could not be written: its term had
         *        ended); the error is the cut first line a record keeps, never a stack trace
         * @param stopReason why it was stopped ({@code its term (epoch 3) ended: ...}, {@code it ran longer than its
         *        timeout (PT5S)}), null when it was not
         */
        void ended(JobRecord record, String stopReason);
    }
}
