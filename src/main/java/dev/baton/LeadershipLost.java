package dev.baton;

import java.util.Optional;

/**
 * CDI event: this replica's term on a Lease ended. Fired once per term, after the term already reports itself
 * invalid, so work guarded by {@link Term#isValid()} has stopped acting by the time observers run.
 *
 * @param lease the Lease
 * @param holder the identity that held it in the term that ended: this replica's
 * @param term the term that ended (no longer valid), the same {@link Term} that {@link LeadershipAcquired} carried
 * @param reason why it ended
 * @param newHolder the identity that holds the Lease now, when known (for {@link Reason#TAKEN})
 */
public record LeadershipLost(LeaseRef lease, String holder, Term term, Reason reason, Optional<String> newHolder) {

    /** The ended term's fencing token. */
    public long epoch() {
        return term.epoch();
    }

    /** @deprecated the holder has one name across the API: use {@link #holder()}. */
    @Deprecated(forRemoval = true)
    public String identity() {
        return holder;
    }

    /** Why a term ended. */
    public enum Reason {
        /** This replica gave the Lease up on purpose ({@code LeaderElector#releaseNow()}). */
        RELEASED,
        /** No renewal succeeded within the renew deadline (API unreachable, too slow, 5xx, 403...). */
        RENEW_DEADLINE_PASSED,
        /** Another holder (or another process with the same identity) now holds the Lease. */
        TAKEN,
        /** The application is shutting down; the Lease is released afterwards when configured. */
        SHUTDOWN
    }
}
