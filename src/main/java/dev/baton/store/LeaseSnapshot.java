package dev.baton.store;

/**
 * A Lease as read from (or written to) a store at one {@code resourceVersion}. Updates are conditional on that
 * version: whoever writes from a stale snapshot loses.
 *
 * @param name the Lease's name
 * @param resourceVersion the version this snapshot was read at
 * @param record the content
 * @param source the store's own object for this version (e.g. the fabric8 {@code Lease}), kept so an update writes
 *        back labels and other metadata it does not model; opaque to callers
 */
public record LeaseSnapshot(String name, String resourceVersion, LeaseRecord record, Object source) {

    /**
     * True when this version is older than {@code other}'s: resourceVersions are opaque to clients, but every API
     * server seen writes them as increasing numbers; anything else compares as not older.
     */
    public boolean olderThan(LeaseSnapshot other) {
        try {
            return Long.parseLong(resourceVersion) < Long.parseLong(other.resourceVersion);
        } catch (NumberFormatException | NullPointerException e) {
            return false;
        }
    }
}
