package dev.baton.store;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A store wrapper for tests: counts calls and lost races, and fails calls on demand (403, 5xx, timeouts, a
 * forbidden watch) the way the API server would, while delegating the rest to a real store.
 */
public final class ScriptedStore extends ForwardingLeaseStore {

    private final AtomicReference<LeaseStoreException> failAll = new AtomicReference<>();
    private volatile boolean watchForbidden;
    public final AtomicInteger gets = new AtomicInteger();
    public final AtomicInteger creates = new AtomicInteger();
    public final AtomicInteger updates = new AtomicInteger();
    public final AtomicInteger lostUpdates = new AtomicInteger();
    public final AtomicInteger lostCreates = new AtomicInteger();
    public final AtomicInteger failures = new AtomicInteger();
    /** Monotonic time just before the last successful write was sent. */
    public volatile long lastWriteSentNanos;
    private volatile java.util.concurrent.CountDownLatch raceGate;

    /**
     * Makes the next update wait until {@code gate} reaches zero (after counting itself down), so that candidates
     * sharing the gate send their writes from the same read: a deterministic race.
     */
    public ScriptedStore raceNextUpdateOn(java.util.concurrent.CountDownLatch gate) {
        raceGate = gate;
        return this;
    }

    private final java.util.concurrent.atomic.AtomicInteger slowWrites = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long slowWriteMillis;

    /** The next {@code count} writes land at once but their answers come back {@code delay} late (an overloaded API). */
    public ScriptedStore slowNextWrites(int count, java.time.Duration delay) {
        slowWriteMillis = delay.toMillis();
        slowWrites.set(count);
        return this;
    }

    private void maybeAnswerLate() {
        if (slowWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            try {
                Thread.sleep(slowWriteMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public ScriptedStore(LeaseStore delegate) {
        super(delegate);
    }

    /** Every call fails with {@code failure} until {@link #heal()}. */
    public ScriptedStore failWith(LeaseStoreException failure) {
        failAll.set(failure);
        return this;
    }

    public ScriptedStore heal() {
        failAll.set(null);
        return this;
    }

    public ScriptedStore forbidWatch() {
        watchForbidden = true;
        return this;
    }

    public int calls() {
        return gets.get() + creates.get() + updates.get();
    }

    private void maybeFail() {
        LeaseStoreException f = failAll.get();
        if (f != null) {
            failures.incrementAndGet();
            throw f;
        }
    }

    @Override
    public Optional<LeaseSnapshot> get(String name) {
        gets.incrementAndGet();
        maybeFail();
        return delegate.get(name);
    }

    @Override
    public Optional<LeaseSnapshot> create(String name, LeaseRecord record) {
        creates.incrementAndGet();
        maybeFail();
        long sent = System.nanoTime();
        Optional<LeaseSnapshot> r = delegate.create(name, record);
        maybeAnswerLate();
        if (r.isEmpty()) {
            lostCreates.incrementAndGet();
        } else {
            lastWriteSentNanos = sent;
        }
        return r;
    }

    @Override
    public Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record) {
        updates.incrementAndGet();
        maybeFail();
        java.util.concurrent.CountDownLatch gate = raceGate;
        if (gate != null) {
            raceGate = null;
            gate.countDown();
            try {
                gate.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long sent = System.nanoTime();
        Optional<LeaseSnapshot> r = delegate.update(previous, record);
        maybeAnswerLate();
        if (r.isEmpty()) {
            lostUpdates.incrementAndGet();
        } else {
            lastWriteSentNanos = sent;
        }
        return r;
    }

    @Override
    public AutoCloseable watch(String name, LeaseWatcher watcher) {
        if (watchForbidden) {
            throw new LeaseStoreException(LeaseStoreException.Kind.FORBIDDEN, 403,
                    "403 forbidden: the ServiceAccount may not 'watch' leases.coordination.k8s.io", null);
        }
        return delegate.watch(name, watcher);
    }

    @Override
    public String describe() {
        return "scripted " + delegate.describe();
    }
}
