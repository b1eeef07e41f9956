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

    /** The verdict for {@code estimate} under {@code maxSkew}. */
    public static ClockTrust judge(ClockEstimate estimate, Duration maxSkew) {
        if (!estimate.measured()) {
            return UNMEASURED;
        }
        Duration provable = estimate.offset().abs().minus(estimate.uncertainty());
        return provable.compareTo(maxSkew) > 0 ? BEYOND : WITHIN;
    }

    /** True when cron slots must not be run on this clock. */
    public boolean refuses() {
        return this == BEYOND;
    }
}
