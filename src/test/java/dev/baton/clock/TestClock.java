package dev.baton.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one clock of the tests: a wall clock and a monotonic clock ({@link Ticker}) that move only when the test moves
 * them, the way a machine's do. {@link #advance} is time passing, and moves both. {@link #set} and {@link #shift} step
 * the wall clock alone (NTP, a VM resumed), leaving the monotonic clock where it was, as a real step does; so the
 * code under test sees slots and deadlines come without any waiting. {@link #following} makes a wall clock offset
 * from another one (a replica whose clock is off the cluster's), moving when that one moves.
 */
public final class TestClock extends Clock implements Ticker {

    /** Where the monotonic clock starts: arbitrary, so that nothing may take 0 for "never". */
    private static final long ORIGIN_NANOS = 1_000_000_000L;

    private final Instant start;
    private final TestClock base;
    /** Time passed since {@link #start}, on the monotonic clock. */
    private final AtomicLong elapsed = new AtomicLong();
    /** The wall clock's steps, added to true time. */
    private volatile Duration offset = Duration.ZERO;
    /** Called on every wall-clock read, on the reading thread: lets a test act at a precise point of the code. */
    public volatile Runnable onRead = () -> {
    };

    private TestClock(Instant start, TestClock base, Duration offset) {
        this.start = start;
        this.base = base;
        this.offset = offset;
    }

    /** A clock that reads {@code start} until the test moves it. */
    public static TestClock at(Instant start) {
        return new TestClock(start, null, Duration.ZERO);
    }

    /** A wall clock {@code offset} off {@code base} (an offset the test may {@link #shift}); its ticks are base's. */
    public static TestClock following(TestClock base, Duration offset) {
        return new TestClock(null, base, offset);
    }

    /** Time passes: both clocks move on by {@code by}. */
    public TestClock advance(Duration by) {
        own().elapsed.addAndGet(by.toNanos());
        return this;
    }

    /** Time passes until {@code sinceStart} after the start; never backwards. */
    public void advanceTo(Duration sinceStart) {
        own().elapsed.accumulateAndGet(sinceStart.toNanos(), Math::max);
    }

    /** The wall clock is stepped to {@code wall}; the monotonic clock does not move. */
    public void set(Instant wall) {
        offset = Duration.between(own().trueInstant(), wall);
    }

    /** The wall clock is stepped to {@code offset} off true time (or off its base). */
    public void shift(Duration offset) {
        this.offset = offset;
    }

    /** True time: the wall clock without its steps, as everyone else (an API server) reads it. */
    public Instant trueInstant() {
        return base != null ? base.instant() : start.plusNanos(elapsed.get());
    }

    @Override
    public Instant instant() {
        onRead.run();
        return trueInstant().plus(offset);
    }

    @Override
    public long nanos() {
        return base != null ? base.nanos() : ORIGIN_NANOS + elapsed.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    private TestClock own() {
        if (base != null) {
            throw new IllegalStateException("a clock following another moves with it; move that one");
        }
        return this;
    }
}
