package dev.baton;

import java.util.Optional;

/**
 * CDI event: the holder of a Lease, as observed by this replica, changed (including to or from this replica, and
 * to nobody when a Lease is released). Observed, not authoritative: use {@link Leadership} to decide whether to act.
 */
public record LeaderChanged(LeaseRef lease, Optional<String> previousLeader, Optional<String> newLeader) {
}
