package dev.baton.clock;

import java.time.Duration;

/**
 * Whether this replica's wall clock may name cron slots, given the estimate and {@code baton.jobs.max-clock-skew}.
 * <p>
 * A clock is judged off only when it is <i>provably</i> beyond the limit: {@code |offset| - uncertainty > max}, i.e.
 * even the end of the interval closest to the cluster's time is too far. The other reading ({@code |offset| +
 * uncertainty > max}: off unless provably within) would refuse every replica for its first answers, since one
 * answer leaves about ±0.5 s, and refuse them for good with a small limit or behind a slow network; a refused
 * replica gives its job Leases away, so replicas would pass them around for no reason. With the chosen reading a
 * clock off by more than the limit is caught once the answers bound it, which for anything a second beyond the
 * limit is the first answer.
 * <p>
 * <b>Hysteresis.</b> A clock once refused is trusted again only when it is provably back within {@value
 * #RETURN_PERCENT} % of the limit: {@code |offset| + uncertainty <= 3/4 max}, the far end of the interval this time.
 * Judged by one threshold, a clock whose true offset sits at the limit flips with every answer: each answer narrows
 * the interval (the lower end rises past the limit), and the drift allowance widens it again until the next (it
 * falls back below). With two thresholds the verdict can only change when the true offset itself has moved: to be
 * refused it must be above the limit, to be trusted again at or below three quarters of it (the true offset lies
 * in the interval unless the server's header lies), so between two changes it has crossed the whole band. Why three
 * quarters: with the default 2 s the band is half a second on top of the interval's own width, wider than what a
 * synchronised clock slews in minutes, and the return still needs no more than one answer (±0.5 s) once the clock
 * is back near the cluster's; a narrower band lets a clock slewing around the limit flip again, a wider one keeps a
 * repaired clock refused longer for nothing.
 * <p>
 * Where the measurement is too coarse to prove that much (its uncertainty above three quarters of the limit: a
 * limit of 0, a small one behind load-balanced API servers whose clocks disagree), a refused clock is trusted again
 * once the measurement cannot tell it from a right one ({@code |offset| <= uncertainty}); otherwise it would stay
 * refused for good, whatever its clock does.
 */
public enum ClockTrust {
    /** The offset is within the limit, or not provably beyond it. */
    WITHIN,
    /** The offset is beyond the limit even after subtracting the uncertainty: do not name slots with this clock. */
    BEYOND,
    /**
     * Nothing to compare with: the embedded store (one process, no cluster), or no API answer with a {@code Date}
     * header yet. Not a reason to refuse: a replica without API answers holds no Lease, so runs nothing anyway, and
     * one whose answers lack the header (a proxy removed it) would otherwise never run a job, for a reason that has
     * nothing to do with its clock. Health shows the estimate as unknown instead.
     */
    UNMEASURED;

    /** Where a refused clock must be provably back within, in percent of the limit. */
    static final int RETURN_PERCENT = 75;

    /** The verdict for {@code estimate} under {@code maxSkew}, with no verdict before it (no hysteresis). */
    public static ClockTrust judge(ClockEstimate estimate, Duration maxSkew) {
        return judge(estimate, maxSkew, UNMEASURED);
    }

    /**
     * The verdict for {@code estimate} under {@code maxSkew} when the last verdict was {@code before}: a clock
     * {@link #BEYOND} stays so until provably back within {@link #returnLimit(Duration)}.
     */
    public static ClockTrust judge(ClockEstimate estimate, Duration maxSkew, ClockTrust before) {
        if (!estimate.measured()) {
            return UNMEASURED;
        }
        Duration distance = estimate.offset().abs();
        Duration u = estimate.uncertainty();
        if (distance.minus(u).compareTo(maxSkew) > 0) {
            return BEYOND;
        }
        if (before != BEYOND) {
            return WITHIN;
        }
        Duration back = returnLimit(maxSkew);
        boolean provablyBack = distance.plus(u).compareTo(back) <= 0;
        boolean tooCoarseToProve = u.compareTo(back) > 0 && distance.compareTo(u) <= 0;
        return provablyBack || tooCoarseToProve ? WITHIN : BEYOND;
    }

    /** How close a refused clock must provably come back: three quarters of {@code maxSkew}. */
    public static Duration returnLimit(Duration maxSkew) {
        return maxSkew.multipliedBy(RETURN_PERCENT).dividedBy(100);
    }

    /** True when cron slots must not be run on this clock. */
    public boolean refuses() {
        return this == BEYOND;
    }
}
