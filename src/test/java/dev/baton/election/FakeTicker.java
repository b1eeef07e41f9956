package dev.baton.election;

import java.time.Duration;
import dev.baton.clock.Ticker;

/** A monotonic clock that moves only when a test says so. */
final class FakeTicker implements Ticker {

    private long now = 1_000_000_000L; // an arbitrary origin: nothing may depend on it

    @Override
    public long nanos() {
        return now;
    }

    FakeTicker advance(Duration by) {
        now += by.toNanos();
        return this;
    }
}
