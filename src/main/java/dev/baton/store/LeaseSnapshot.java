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
}
