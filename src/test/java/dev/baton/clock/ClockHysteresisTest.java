package dev.baton.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

import org.junit.jupiter.api.Test;

/**
 * A clock near {@code baton.jobs.max-clock-skew} does not flip with every answer: {@link ClusterClock#trust()} refuses
 * it once its true offset is above the limit and trusts it again only once the offset is back within three
 * quarters of it. The clocks are simulated: an answer every retry period (2 s, at a different point of the second
 * each time, as the jitter does), and this replica's clock slewed a little before each.
 */
class ClockHysteresisTest {

    static final Duration LIMIT = Duration.ofSeconds(2);
    static final double LIMIT_S = 2.0;
    static final int ANSWERS = 3_000;

    /** What one run saw: verdict changes under the hysteresis, and those the single threshold would have made. */
    record Run(List<Change> changes, int singleThresholdChanges) {
    }

    /** A change of {@link ClusterClock#trust()} and the true offset when it happened. */
    record Change(ClockTrust to, double trueOffset) {
    }

    @Test
    void aClockHoveringAtTheLimitIsRefusedOnceAndStaysRefused() {
        // Slews between 1.9 s and 2.1 s ahead, crossing the limit about every 100 answers: never back within 1.5 s.
        Run run = drive(i -> LIMIT_S + 0.1 * triangle(i / 200.0));

        assertTrue(run.singleThresholdChanges() > 4, "the scenario has the hazard: one threshold flips "
                + run.singleThresholdChanges() + " times");
        assertEquals(List.of(ClockTrust.BEYOND), run.changes().stream().map(Change::to).toList(),
                "changes: " + run.changes());
    }

    @Test
    void everyChangeFollowsACrossingOfTheWholeBand() {
        // Swings between 0.5 s and 3.5 s ahead, four times: through the band [1.5 s, 2 s] eight times.
        Run run = drive(i -> LIMIT_S + 1.5 * triangle(i / (ANSWERS / 4.0)));

        ClockTrust expected = ClockTrust.BEYOND;
        for (Change c : run.changes()) {
            assertEquals(expected, c.to(), "alternates: " + run.changes());
            if (c.to() == ClockTrust.BEYOND) {
                assertTrue(c.trueOffset() > LIMIT_S, "refused only when truly beyond the limit: " + c);
            } else {
                assertTrue(c.trueOffset() <= 0.75 * LIMIT_S, "trusted again only when truly within 3/4: " + c);
            }
            expected = c.to() == ClockTrust.BEYOND ? ClockTrust.WITHIN : ClockTrust.BEYOND;
        }
        assertEquals(8, run.changes().size(), "one change per crossing of the band: " + run.changes());
    }

    @Test
    void aRefusedClockBackNearTheClustersIsTrustedAgainAfterOneAnswer() {
        SimulatedClocks clocks = new SimulatedClocks();
        ClockOffsetEstimator estimator = new ClockOffsetEstimator(clocks.wall, clocks.ticker);
        ClusterClock clock = new ClusterClock(false, LIMIT, estimator, clocks.ticker);
        clocks.setLocalOffset(Duration.ofSeconds(90));
        clocks.exchange(estimator, 0.3, Duration.ofMillis(4), null);
        assertEquals(ClockTrust.BEYOND, clock.trust());

        clocks.setLocalOffset(Duration.ofMillis(40)); // NTP stepped it back
        clocks.exchange(estimator, 2.6, Duration.ofMillis(4), null);
        assertEquals(ClockTrust.WITHIN, clock.trust(), clock.current().describe());
    }

    /** Feeds {@value #ANSWERS} answers, the true offset (seconds, ahead) given by {@code offsetAt} answer index. */
    static Run drive(DoubleUnaryOperator offsetAt) {
        SimulatedClocks clocks = new SimulatedClocks();
        ClockOffsetEstimator estimator = new ClockOffsetEstimator(clocks.wall, clocks.ticker);
        ClusterClock clock = new ClusterClock(false, LIMIT, estimator, clocks.ticker);
        List<Change> changes = new ArrayList<>();
        ClockTrust last = ClockTrust.UNMEASURED;
        ClockTrust lastSingle = ClockTrust.UNMEASURED;
        int singleChanges = 0;
        for (int i = 0; i < ANSWERS; i++) {
            double offset = offsetAt.applyAsDouble(i);
            clocks.setLocalOffset(Duration.ofNanos(Math.round(offset * 1e9)));
            double phase = (i * 0.618034) % 1.0;
            clocks.exchange(estimator, 2.0 * i + phase, Duration.ofMillis(4), null);
            // Read twice between answers, as health and the job gate do: right after it and just before the next.
            for (double wait : new double[] { 0.01, 1.9 }) {
                clocks.at(2.0 * i + phase + wait);
                ClockTrust now = clock.trust();
                boolean firstVerdictWithin = last == ClockTrust.UNMEASURED && now == ClockTrust.WITHIN;
                if (now != last && !firstVerdictWithin) {
                    changes.add(new Change(now, offset));
                }
                last = now;
                ClockTrust single = ClockTrust.judge(clock.current(), LIMIT);
                if (single != lastSingle && lastSingle != ClockTrust.UNMEASURED) {
                    singleChanges++;
                }
                lastSingle = single;
            }
        }
        return new Run(changes, singleChanges);
    }

    /** A triangle wave of period 1 between -1 and 1, starting at -1. */
    static double triangle(double x) {
        double f = x - Math.floor(x);
        return f < 0.5 ? -1 + 4 * f : 3 - 4 * f;
    }
}
