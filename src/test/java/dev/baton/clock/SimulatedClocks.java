package dev.baton.clock;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * This replica's wall clock (true time plus an offset the test sets, e.g. after a step) and its monotonic clock (true
 * time: steps do not touch it), one {@link TestClock}, and an API server whose clock is true time. Answers are
 * stamped the way Go's net/http does: IMF-fixdate, whole seconds, truncated.
 */
final class SimulatedClocks {

    static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** A whole second, so the phase of each request within the second is what the test says. */
    static final Instant EPOCH = Instant.parse("2026-11-25T22:45:00Z");

    /** This replica's clocks: its wall clock is true time plus the offset the test sets; steps leave its ticks. */
    final TestClock wall = TestClock.at(EPOCH);
    final Ticker ticker = wall;

    void setLocalOffset(Duration offset) {
        wall.shift(offset);
    }

    /** Moves true time to {@code seconds} after {@link #EPOCH} (never backwards). */
    void at(double seconds) {
        wall.advanceTo(Duration.ofNanos(Math.round(seconds * 1e9)));
    }

    void advance(Duration d) {
        wall.advance(d);
    }

    /** The server's {@code Date} header now. */
    String serverDate() {
        return IMF_FIXDATE.format(wall.trueInstant());
    }

    /**
     * One request at {@code seconds} of true time, answered after {@code roundTrip}, the server stamping it half-way;
     * {@code date} replaces the header when not null ("-" for none).
     */
    void exchange(ClockOffsetEstimator estimator, double seconds, Duration roundTrip, String date) {
        at(seconds);
        ClockOffsetEstimator.Exchange sent = estimator.sending();
        advance(roundTrip.dividedBy(2));
        String header = date == null ? serverDate() : date.equals("-") ? null : date;
        advance(roundTrip.minus(roundTrip.dividedBy(2)));
        estimator.answered(sent, header);
    }
}
