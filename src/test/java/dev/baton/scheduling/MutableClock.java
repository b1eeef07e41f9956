package dev.baton.scheduling;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A wall clock the test sets: slots and catch-up deadlines without waiting for them. */
final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;
    /** Called on every read, on the reading thread: lets a test act at a precise point of the code under test. */
    volatile Runnable onRead = () -> {
    };

    MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        onRead.run();
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
