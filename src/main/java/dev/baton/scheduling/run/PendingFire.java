package dev.baton.scheduling.run;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import dev.baton.scheduling.RunTrigger;

/**
 * A fire Baton itself makes (a catch-up when a term begins, a run request) rather than the scheduler: while Baton
 * invokes the job's method on one of its threads, the slot and what made the fire wait here, for whoever ends up in
 * {@link JobRunner#run} (the CDI interceptor, or a test's invoker). Keyed by the job, so that another singleton job
 * called from inside the run is not mistaken for it.
 *
 * @param job the job id
 * @param slot the slot to run
 * @param trigger {@link RunTrigger#CATCH_UP} or {@link RunTrigger#MANUAL}
 * @param request the run request's token, for a manual fire
 */
public record PendingFire(String job, Instant slot, RunTrigger trigger, String request) {

    private static final ThreadLocal<PendingFire> PENDING = new ThreadLocal<>();

    /** The fire pending for {@code jobId} on this thread, if any. */
    public static Optional<PendingFire> of(String jobId) {
        return Optional.ofNullable(PENDING.get()).filter(p -> p.job.equals(jobId));
    }

    /** Calls {@code invoke} with this fire pending on the calling thread. */
    <T> T during(Supplier<T> invoke) {
        PendingFire outer = PENDING.get();
        PENDING.set(this);
        try {
            return invoke.get();
        } finally {
            PENDING.set(outer);
        }
    }
}
