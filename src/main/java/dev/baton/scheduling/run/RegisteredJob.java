package dev.baton.scheduling.run;

import java.time.Instant;
import java.util.function.Function;

import dev.baton.scheduling.records.JobSpec;

/**
 * A job known to the {@link JobRunner}: its spec, how to invoke it for a caught-up slot, and the latest slot this
 * replica claimed for it (guarded by the object's monitor, see {@link Claim}).
 */
final class RegisteredJob {

    final JobSpec spec;
    /** Runs the job for a given slot; it must end up in {@link JobRunner#run}, as the CDI interceptor does. */
    final Function<Instant, Object> invoker;
    /** The latest slot claimed on this replica; null before the first. */
    Instant claimed;

    RegisteredJob(JobSpec spec, Function<Instant, Object> invoker) {
        this.spec = spec;
        this.invoker = invoker;
    }

    JobSpec spec() {
        return spec;
    }

    /**
     * A slot claimed in memory on this replica, and the claim it replaced. The claim keeps two fires of one slot (the
     * scheduler's and a catch-up, or two overlapping fires) from both running here; the record in the Lease does the
     * same across replicas.
     *
     * @param job the job; null for a job that was never registered (nothing to claim against)
     * @param slot the claimed slot
     * @param previous the claim it replaced, restored by {@link #rollBack()}
     */
    record Claim(RegisteredJob job, Instant slot, Instant previous) {

        /** Claims {@code slot} of {@code job}; null when it, or a later slot, is already claimed. */
        static Claim take(RegisteredJob job, Instant slot) {
            if (job == null) {
                return new Claim(null, slot, null);
            }
            synchronized (job) {
                if (job.claimed != null && !job.claimed.isBefore(slot)) {
                    return null;
                }
                Claim claim = new Claim(job, slot, job.claimed);
                job.claimed = slot;
                return claim;
            }
        }

        /**
         * Gives the slot back unless a later slot was claimed since: nothing recorded this slot, so a later fire of it
         * may still run it.
         */
        void rollBack() {
            if (job != null) {
                synchronized (job) {
                    if (slot.equals(job.claimed)) {
                        job.claimed = previous;
                    }
                }
            }
        }
    }
}
