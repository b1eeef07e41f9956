package dev.baton.scheduling.runtime;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.gate.JobGate;
import dev.baton.scheduling.records.JobSpec;

/**
 * Hands a fire's slot from {@link LeaderOnly} to {@link SingletonJobInterceptor}. A job method that does not take
 * the {@code ScheduledExecution} gives its interceptor no way to learn the fire's scheduled time, and the skip
 * predicate is the one place Quarkus shows it for such a method. So the predicate, once it has decided to let a fire
 * through, leaves the slot here, and the interceptor takes it. Kept apart from the decision ({@link JobGate}), which
 * writes nothing.
 */
final class FiredSlots {

    /** The latest fire let through, per job id. */
    private final Map<String, Instant> slots = new ConcurrentHashMap<>();

    /** {@code spec} fired for {@code scheduledFireTime} and was let through. */
    void put(JobSpec spec, Instant scheduledFireTime) {
        slots.put(spec.id(), scheduledFireTime);
    }

    /** The slot of the fire let through last, once. */
    Optional<Instant> take(JobSpec spec) {
        return Optional.ofNullable(slots.remove(spec.id()));
    }
}
