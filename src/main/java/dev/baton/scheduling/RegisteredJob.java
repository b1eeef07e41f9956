package dev.baton.scheduling;

import java.time.Instant;
import java.util.function.Function;

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
}
