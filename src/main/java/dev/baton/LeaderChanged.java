package dev.baton;

import java.util.Optional;

/**
 * CDI event: the holder of a Lease, as observed by this replica, changed (including to or from this replica, and
 * to nobody when a Lease is released). Observed, not authoritative: use {@link Leadership} to decide whether to act.
 *
 * @param lease the Lease
 * @param previousHolder who held it before, if anybody
 * @param newHolder who holds it now, if anybody
 */
public record LeaderChanged(LeaseRef lease, Optional<String> previousHolder, Optional<String> newHolder) {

    /** @deprecated the holder has one name across the API: use {@link #previousHolder()}. */
    @Deprecated(forRemoval = true)
    public Optional<String> previousLeader() {
        return previousHolder;
    }

    /** @deprecated the holder has one name across the API: use {@link #newHolder()}. */
    @Deprecated(forRemoval = true)
    public Optional<String> newLeader() {
        return newHolder;
    }
}
