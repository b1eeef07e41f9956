package dev.baton.store;

import java.util.Optional;

/**
 * Where Leases live: the only thing the elector needs from Kubernetes, strictly for its use.
 * <p>
 * Every write is conditional. {@link #create} fails when the Lease exists, {@link #update} when the Lease changed
 * since the snapshot was read; both report that as an empty result (you lost the race: read again), and throw
 * {@link LeaseStoreException} only for real failures. Implementations are thread-safe.
 */
public interface LeaseStore {

    /** Reads the Lease; empty when it does not exist. */
    Optional<LeaseSnapshot> get(String name);

    /** Creates the Lease; empty when it already exists (409 AlreadyExists: someone else won). */
    Optional<LeaseSnapshot> create(String name, LeaseRecord record);

    /**
     * Replaces the Lease's content, conditional on {@code previous.resourceVersion()}; empty when it changed or was
     * deleted since (409 Conflict / 404: re-read and decide again).
     */
    Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record);

    /**
     * Label Baton puts on every Lease it creates or writes, so that one label-selected watch per store sees all of
     * them (a store may share one watch among all its watchers). A key of Baton's own, with a constant value:
     * {@code app.kubernetes.io/managed-by} would claim the object for Baton, which tools such as Helm read as
     * ownership, and a Lease may well be created by a chart.
     */
    String BATON_LABEL = "baton.dev/lease";

    /** The value of {@link #BATON_LABEL}. */
    String BATON_LABEL_VALUE = "true";

    /**
     * Watches one Lease. Events arrive on a store thread; the handle stops the watch. Throws
     * {@link LeaseStoreException} of kind FORBIDDEN when the watch verb is not granted, in which case callers poll.
     * Several watches may share one connection; the cost per watched Lease is then an entry in a map.
     */
    AutoCloseable watch(String name, LeaseWatcher watcher);

    /** Records a Kubernetes Event about the Lease (e.g. "X became leader"); best effort, never throws. */
    default void recordEvent(String name, String reason, String message) {
    }

    /** The namespace Leases live in. */
    String namespace();

    /** Human description for logs and health, e.g. "Kubernetes API https://10.0.0.1:443". */
    String describe();

    /** Watch connections open to the API server now, for all watched Leases together (0 for a store without). */
    default int openWatches() {
        return 0;
    }

    /**
     * Requests the API server answered 429 (too many requests) since the store was made, every verb and Lease
     * together (metric {@code baton.api.throttled}); 0 for a store without a server.
     */
    default long throttled() {
        return 0;
    }

    /** True for the in-process store that elects this process alone. */
    default boolean embedded() {
        return false;
    }

    /** Receives changes to a watched Lease. */
    interface LeaseWatcher {
        /** The Lease changed: {@code snapshot} is its new state, or empty when it was deleted. */
        void onChange(Optional<LeaseSnapshot> snapshot);

        /** The watch ended for good (it will not reconnect by itself); the caller falls back to polling. */
        void onClose(LeaseStoreException cause);

        /**
         * Whether the watch delivers this Lease's changes from now on: false for a Lease a shared, label-selected
         * watch does not select (written by someone else, without {@link #BATON_LABEL}), until it does again. The
         * caller polls meanwhile. May be called on the thread that reads or writes the Lease.
         */
        default void onDelivering(boolean delivering) {
        }
    }
}
