package dev.baton.scheduling;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;

import dev.baton.election.LeaderElector;
import dev.baton.store.ForwardingLeaseStore;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.DaemonThreads;

/**
 * Spreads per-job Leases across replicas without knowing how many there are: before this replica's elector takes a
 * job Lease from someone else (or creates it), it waits {@code step} for each job Lease it already holds. A replica
 * holding fewer Leases gets there first and the write that comes later loses on the resourceVersion; renewals and
 * releases are never delayed. It balances Leases as they change hands (start-up, rollouts, failures); it does not
 * move a Lease that is held, so a replica that started long before the others keeps what it took until it stops.
 */
final class SpreadingLeaseStore extends ForwardingLeaseStore {

    private final IntSupplier held;
    private final Duration step;
    private final Duration maxPause;
    private final java.util.function.BooleanSupplier stopping;
    // Leases whose last known state is "held by this process" (from our own writes and reads): a leader recreating
    // its deleted Lease is never paced.
    private final java.util.Set<String> holding = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile String myInstance;

    /**
     * @param held how many job Leases this replica holds now
     * @param step the wait per Lease held
     * @param maxPause the longest wait: the pause comes after the elector noted when its attempt began, so it is cut
     *        from the first term's validity and delays the attempt; keep it well below the retry period
     * @param stopping true once the application drains: a paced take is then abandoned, so shutdown never waits
     *        for it
     */
    SpreadingLeaseStore(LeaseStore delegate, IntSupplier held, Duration step, Duration maxPause,
            java.util.function.BooleanSupplier stopping) {
        super(delegate);
        this.held = held;
        this.step = step;
        this.maxPause = maxPause;
        this.stopping = stopping;
    }

    /**
     * Starts the electors of {@code leases} one per {@code step}, on a daemon thread: replicas that start together
     * then contest each Lease at a moment when they already hold different numbers of them.
     */
    static void startOneByOne(java.util.List<String> leases, Duration step, java.util.function.Consumer<String> start) {
        java.util.concurrent.ScheduledExecutorService starter = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(DaemonThreads.named("baton-jobs-start"));
        long millis = step.toMillis();
        for (int i = 0; i < leases.size(); i++) {
            String lease = leases.get(i);
            starter.schedule(() -> start.accept(lease), i * millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        starter.schedule(starter::shutdown, leases.size() * millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public Optional<LeaseSnapshot> get(String name) {
        Optional<LeaseSnapshot> read = delegate.get(name);
        String mine = myInstance;
        if (read.isEmpty() || mine == null || !mine.equals(read.get().record().annotation(
                LeaderElector.INSTANCE_ANNOTATION))) {
            if (read.isPresent()) {
                holding.remove(name); // deleted: keep what we knew, so the holder recreates it unpaced
            }
        }
        return read;
    }

    @Override
    public Optional<LeaseSnapshot> create(String name, LeaseRecord record) {
        if (!holding.contains(name) && !pace()) {
            return Optional.empty();
        }
        return wrote(name, record, delegate.create(name, record));
    }

    @Override
    public Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record) {
        if (taking(previous.record(), record) && !pace()) {
            return Optional.empty(); // as if another replica had won: the elector reads again later
        }
        return wrote(previous.name(), record, delegate.update(previous, record));
    }

    private Optional<LeaseSnapshot> wrote(String name, LeaseRecord record, Optional<LeaseSnapshot> result) {
        String instance = record.annotation(LeaderElector.INSTANCE_ANNOTATION);
        if (result.isPresent()) {
            if (!record.isFree() && instance != null) {
                myInstance = instance;
                holding.add(name);
            } else {
                holding.remove(name);
            }
        }
        return result;
    }

    /** A write that puts this process in as the holder of a Lease whose record was not its own. */
    private static boolean taking(LeaseRecord before, LeaseRecord after) {
        String mine = after.annotation(LeaderElector.INSTANCE_ANNOTATION);
        return !after.isFree() && mine != null
                && !Objects.equals(mine, before.annotation(LeaderElector.INSTANCE_ANNOTATION));
    }

    /** Waits this replica's turn; false when the take should be abandoned (stopping or interrupted). */
    private boolean pace() {
        long until = System.nanoTime() + Math.min(step.toNanos() * held.getAsInt(), maxPause.toNanos());
        while (System.nanoTime() - until < 0) {
            if (stopping.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stopping.getAsBoolean();
    }
}
