package dev.baton.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

import dev.baton.threads.DaemonThreads;

/**
 * Spreads several Leases (per-job Leases) across replicas without knowing how many there are. Before taking one, a
 * replica pauses {@code step} for each of those Leases it already holds, so a replica holding fewer gets there
 * first; and the electors of the Leases start one after another, so replicas starting together contest each Lease
 * at a moment when they already hold different numbers. Best effort: a held Lease is never moved, so a replica that
 * started long before the others keeps what it took until it stops or hands over.
 */
public final class LeaseSpreading {

    private LeaseSpreading() {
    }

    /** The pause before a take: {@code step} per Lease {@code held} now (the elector caps it, see the interface). */
    public static PauseBeforeTaking pausePerLeaseHeld(IntSupplier held, Duration step) {
        return () -> step.multipliedBy(held.getAsInt());
    }

    /** Calls {@code start} for each of {@code leases}, one per {@code step}, on a daemon thread; returns at once. */
    public static void startOneByOne(List<String> leases, Duration step, Consumer<String> start) {
        ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("baton-jobs-start"));
        long millis = step.toMillis();
        for (int i = 0; i < leases.size(); i++) {
            String lease = leases.get(i);
            starter.schedule(() -> start.accept(lease), i * millis, TimeUnit.MILLISECONDS);
        }
        starter.schedule(starter::shutdown, leases.size() * millis, TimeUnit.MILLISECONDS);
    }
}
