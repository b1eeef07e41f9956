package dev.baton.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A clock is refused only when it is provably beyond the limit: |offset| - uncertainty > max; once refused, it is
 * trusted again only when provably within three quarters of it: |offset| + uncertainty <= 3/4 max.
 */
class ClockTrustTest {

    record Case(String name, ClockEstimate estimate, Duration max, ClockTrust verdict) {
        @Override
        public String toString() {
            return name;
        }
    }

    static ClockEstimate measured(double offset, double uncertainty) {
        return new ClockEstimate(ClockEstimate.Source.MEASURED, Duration.ofMillis(Math.round(offset * 1000)),
                Duration.ofMillis(Math.round(uncertainty * 1000)), 4, 0, 0);
    }

    static Stream<Case> cases() {
        Duration two = Duration.ofSeconds(2);
        return Stream.of(
                new Case("90 s behind", measured(-90, 0.13), two, ClockTrust.BEYOND),
                new Case("6 min ahead, known only from one slow answer", measured(360, 4.5), two, ClockTrust.BEYOND),
                new Case("exactly right", measured(0, 0.5), two, ClockTrust.WITHIN),
                new Case("2.3 s ahead, but maybe 1.8 s", measured(2.3, 0.5), two, ClockTrust.WITHIN),
                new Case("2.6 s behind, at least 2.1 s", measured(-2.6, 0.5), two, ClockTrust.BEYOND),
                new Case("exactly at the limit after the uncertainty", measured(2.5, 0.5), two, ClockTrust.WITHIN),
                new Case("a limit of 0 refuses any provable offset", measured(0.3, 0.1), Duration.ZERO,
                        ClockTrust.BEYOND),
                new Case("a limit of 0 keeps a clock that may be right", measured(0.3, 0.4), Duration.ZERO,
                        ClockTrust.WITHIN),
                new Case("no cluster (embedded store)", ClockEstimate.NO_CLUSTER, two, ClockTrust.UNMEASURED),
                new Case("no answer yet", ClockEstimate.NO_ANSWER, two, ClockTrust.UNMEASURED));
    }

    static Stream<Case> afterRefusal() {
        Duration two = Duration.ofSeconds(2);
        return Stream.of(
                new Case("back at the limit, no longer provably beyond", measured(1.9, 0.05), two, ClockTrust.BEYOND),
                new Case("within the limit, not yet within 1.5 s", measured(1.6, 0.05), two, ClockTrust.BEYOND),
                new Case("maybe within 1.5 s, maybe not", measured(1.2, 0.5), two, ClockTrust.BEYOND),
                new Case("provably within 1.5 s", measured(-1.0, 0.5), two, ClockTrust.WITHIN),
                new Case("exactly at three quarters after the uncertainty", measured(1.4, 0.1), two,
                        ClockTrust.WITHIN),
                new Case("beyond again", measured(2.6, 0.5), two, ClockTrust.BEYOND),
                new Case("a limit of 0 trusts again a clock that may be right", measured(0.3, 0.4), Duration.ZERO,
                        ClockTrust.WITHIN),
                new Case("a coarse measurement under a small limit: may be right", measured(0.2, 0.9),
                        Duration.ofMillis(500), ClockTrust.WITHIN),
                new Case("a coarse measurement under a small limit: surely off", measured(1.2, 0.9),
                        Duration.ofMillis(500), ClockTrust.BEYOND),
                new Case("no cluster (embedded store)", ClockEstimate.NO_CLUSTER, two, ClockTrust.UNMEASURED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("afterRefusal")
    void judgesARefusedClockWithHysteresis(Case c) {
        assertEquals(c.verdict(), ClockTrust.judge(c.estimate(), c.max(), ClockTrust.BEYOND));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void judges(Case c) {
        ClockTrust verdict = ClockTrust.judge(c.estimate(), c.max());
        assertEquals(c.verdict(), verdict);
        assertEquals(c.verdict() == ClockTrust.BEYOND, verdict.refuses());
    }
}
