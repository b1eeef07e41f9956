package dev.baton;

import java.util.Optional;

/**
 * CDI event: this replica's term on a Lease ended. Fired once per term, after the term already reports itself
 * invalid, so work guarded by {@link Term#isValid()} has stopped acting by the time observers run.
 *
 * @param newHolder the identity that holds the Lease now, when known (for {@link Reason#TAKEN})
 */
public record LeadershipLost(LeaseRef lease, String identity, long epoch, Reason reason, Optional<String> newHolder) {

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
