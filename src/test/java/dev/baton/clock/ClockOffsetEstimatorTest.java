package dev.baton.clock;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The estimator against simulated clocks: each case is a sequence of answers (when sent, this replica's true
 * offset at that moment, the round trip, and optionally a forged {@code Date} header) and what must come out.
 * "Contains" means the true offset lies within the reported uncertainty of the estimate, which is the estimator's
 * promise; the uncertainty bounds are the values the interval arithmetic gives for these phases (see each case).
 */
class ClockOffsetEstimatorTest {

    /** One API answer: sent at {@code at} s of true time while this replica's clock is {@code offset} s off. */
    record Answer(double at, double offset, long roundTripMillis, String date) {
    }

    /**
     * @param offset the true offset the estimate must contain (seconds), or null when nothing may be measured
     * @param samples answers the estimate rests on
     * @param maxUncertainty the uncertainty may not exceed this (seconds)
     * @param steps steps the estimator must have detected
     */
    record Case(String name, List<Answer> answers, Double offset, int samples, double maxUncertainty, long steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Four quick answers (2 ms), 2.25 s apart: at 0.1, 0.35, 0.6 and 0.85 of their seconds. */
    static List<Answer> fourPhases(double start, double offset) {
        List<Answer> list = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            list.add(new Answer(start + 0.1 + 2.25 * i, offset, 2, null));
        }
        return list;
    }

    @SafeVarargs
    static List<Answer> concat(List<Answer>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }

    static Stream<Case> cases() {
        // Four phases leave [offset - 0.15 s, offset + 0.102 s + drift allowance]: about ±0.13 s.
        List<Answer> slowAmongFast = List.of(new Answer(0.1, 0, 2, null), new Answer(2.35, 0, 2, null),
                new Answer(4.6, 0, 8_000, null), new Answer(13.85, 0, 2, null));
        List<Answer> drifting = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            double at = 2.3 * i;
            drifting.add(new Answer(at, 200e-6 * at, 2, null)); // 200 ppm fast: +0.14 s after 690 s
        }
        List<Answer> garbage = Stream.of("-", "", "   ", "yesterday", "2026-11-25T22:45:00Z",
                "Wed, 32 Nov 2026 22:45:00 GMT", "Wed, 25 Nov 2026 22:45:00", // no zone
                SimulatedClocks.IMF_FIXDATE.format(Instant.parse("9999-12-31T23:59:59Z")), // 7973 years ahead
                SimulatedClocks.IMF_FIXDATE.format(Instant.parse("0001-01-01T00:00:00Z")))
                .map(date -> new Answer(0.5, 0, 2, date)).toList();
        List<Answer> garbageBetween = new ArrayList<>();
        for (Answer good : fourPhases(0, -90)) {
            garbageBetween.add(good);
            garbageBetween.add(new Answer(good.at() + 1, -90, 2, "not a date"));
        }
        return Stream.of(
                new Case("a clock 90 s behind", fourPhases(0, -90), -90.0, 4, 0.13, 0),
                new Case("a clock 6 min ahead", fourPhases(0, 360), 360.0, 4, 0.13, 0),
                new Case("a clock exactly right", fourPhases(0, 0), 0.0, 4, 0.13, 0),
                // One answer: the header's second plus the round trip, halved.
                new Case("one answer", List.of(new Answer(0.1, 0, 2, null)), 0.0, 1, 0.501, 0),
                // The answer after the step contradicts the four before: they are dropped, three remain.
                new Case("a step of +90 s in the middle", concat(fourPhases(0, 0), fourPhases(9, 90).subList(0, 3)),
                        90.0, 3, 0.26, 1),
                new Case("6 min ahead, then NTP steps it right", concat(fourPhases(0, 360), fourPhases(9, 0)), 0.0, 4,
                        0.13, 1),
                // An 8 s answer bounds the offset to ±4.5 s: it cuts nothing, and the quick ones decide.
                new Case("a slow answer among quick ones", slowAmongFast, 0.0, 4, 0.135, 0),
                new Case("a slow answer alone", List.of(new Answer(0.1, -90, 8_000, null)), -90.0, 1, 4.5, 0),
                // The drift allowance (500 ppm) covers a clock running 200 ppm fast: followed, no false step.
                new Case("a clock drifting 200 ppm", drifting, 200e-6 * 2.3 * 299, 64, 0.08, 0),
                new Case("garbage or missing Date headers", garbage, null, 0, 0, 0),
                new Case("garbage between good answers", garbageBetween, -90.0, 4, 0.13, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void estimates(Case c) {
        SimulatedClocks clocks = new SimulatedClocks();
        ClockOffsetEstimator estimator = new ClockOffsetEstimator(clocks.wall, clocks.ticker);
        for (Answer a : c.answers()) {
            clocks.setLocalOffset(Duration.ofNanos(Math.round(a.offset() * 1e9)));
            assertDoesNotThrow(() -> clocks.exchange(estimator, a.at(), Duration.ofMillis(a.roundTripMillis()),
                    a.date()));
        }
        ClockEstimate e = estimator.estimate();
        if (c.offset() == null) {
            assertEquals(ClockEstimate.Source.NO_ANSWER_YET, e.source(), e::describe);
            return;
        }
        assertEquals(ClockEstimate.Source.MEASURED, e.source());
        double offset = ClockEstimate.seconds(e.offset());
        double uncertainty = ClockEstimate.seconds(e.uncertainty());
        assertTrue(Math.abs(offset - c.offset()) <= uncertainty,
                () -> "true offset " + c.offset() + " s outside the estimate " + e.describe());
        assertTrue(uncertainty <= c.maxUncertainty() + 1e-9,
                () -> "uncertainty above " + c.maxUncertainty() + " s: " + e.describe());
        assertEquals(c.samples(), e.samples(), e::describe);
        assertEquals(c.steps(), e.stepsDetected(), e::describe);
    }

    @Test
    void describesTheEstimateForPeople() {
        SimulatedClocks clocks = new SimulatedClocks();
        ClockOffsetEstimator estimator = new ClockOffsetEstimator(clocks.wall, clocks.ticker);
        assertEquals("unknown: no API answer with a Date header yet", estimator.estimate().describe());
        clocks.setLocalOffset(Duration.ofSeconds(-90));
        for (Answer a : fourPhases(0, -90)) {
            clocks.exchange(estimator, a.at(), Duration.ofMillis(2), null);
        }
        // [-90.15, -89.895] (drift allowance of the oldest answer included): -90.02 ± 0.13
        assertEquals("-90.02s ±0.13s (4 samples)", estimator.estimate().describe());
        assertEquals("no cluster clock (embedded store)", ClockEstimate.NO_CLUSTER.describe());
    }

    @Test
    void anEstimateWithoutNewAnswersGrowsMoreUncertain() {
        SimulatedClocks clocks = new SimulatedClocks();
        ClockOffsetEstimator estimator = new ClockOffsetEstimator(clocks.wall, clocks.ticker);
        clocks.exchange(estimator, 0.1, Duration.ofMillis(2), null);
        Duration fresh = estimator.estimate().uncertainty();
        clocks.advance(Duration.ofHours(1)); // a standby that only watched: no answers for an hour
        // 500 ppm of an hour: the clocks may have moved 1.8 s apart since the answer
        assertEquals(fresh.plusMillis(1800), estimator.estimate().uncertainty());
    }

    @Test
    void theLastSampleAgeIsOnTheMonotonicClock() {
        SimulatedClocks clocks = new SimulatedClocks();
        ClockOffsetEstimator estimator = new ClockOffsetEstimator(clocks.wall, clocks.ticker);
        clocks.exchange(estimator, 0.1, Duration.ofMillis(2), null);
        clocks.setLocalOffset(Duration.ofHours(1)); // a wall-clock step does not age the sample
        clocks.advance(Duration.ofSeconds(7));
        assertEquals(Duration.ofSeconds(7), estimator.estimate().lastSampleAge(clocks.ticker).orElseThrow());
    }
}
