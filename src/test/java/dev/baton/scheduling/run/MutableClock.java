package dev.baton.scheduling.run;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A wall clock the test sets: slots and catch-up deadlines without waiting for them. */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;
    /** Called on every read, on the reading thread: lets a test act at a precise point of the code under test. */
    volatile Runnable onRead = () -> {
    };

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void set(Instant instant) {
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
