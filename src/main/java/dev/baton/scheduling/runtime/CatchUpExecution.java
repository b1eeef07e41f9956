package dev.baton.scheduling.runtime;

import java.lang.reflect.Method;
import java.time.Instant;

import dev.baton.scheduling.RunTrigger;
import io.quarkus.scheduler.ScheduledExecution;
import io.quarkus.scheduler.Trigger;

/**
 * What a job method that takes a {@link ScheduledExecution} is given when Baton invokes it rather than the
 * scheduler (to catch up a slot, or for a run request): the slot as its scheduled fire time (and previous fire
 * time), a trigger id of {@code catch-up:Class#method} (or {@code manual:Class#method}), and no next fire time.
 */
final class CatchUpExecution implements ScheduledExecution {

    private final Method method;
    private final Instant slot;
    private final String kind;
    private final Instant fireTime = Instant.now();

    /** @param trigger what made Baton fire it */
    CatchUpExecution(Method method, Instant slot, RunTrigger trigger) {
        this.method = method;
        this.slot = slot;
        this.kind = trigger.value;
    }

    @Override
    public Trigger getTrigger() {
        return new Trigger() {
            @Override
            public String getId() {
                return kind + ":" + JobDiscovery.describe(method);
            }

            @Override
            public Instant getNextFireTime() {
                return null;
            }

            @Override
            public Instant getPreviousFireTime() {
                return slot;
            }

            @Override
            public boolean isOverdue() {
                return false;
            }

            @Override
            public String getMethodDescription() {
                return JobDiscovery.describe(method);
            }
        };
    }

    @Override
    public Instant getFireTime() {
        return fireTime;
    }

    @Override
    public Instant getScheduledFireTime() {
        return slot;
    }
}
