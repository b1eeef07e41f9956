package dev.baton.election;

import java.time.Duration;

import dev.baton.LeaderChanged;
import dev.baton.LeadershipLost;
import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.store.LeaseStoreException;

/**
 * What the elector tells the outside world: the CDI events, metrics and health adaptors implement this, so the
 * core knows nothing of them (as client-go's callbacks and metrics provider). All methods default to no-ops;
 * an exception thrown by one is logged by the elector and never changes its decisions. Calls come on threads every
 * elector of the process shares ({@link ElectorThreads}): an observer must return quickly and hand slow work (an API
 * call) to a thread of its own, or it holds up other Leases' rounds and announcements.
 */
public interface ElectionObserver {

    ElectionObserver NONE = new ElectionObserver() {
    };

    /** A term began. Called on the elector's thread. */
    default void leadershipAcquired(Term term) {
    }

    /** A term ended; the term already reports itself invalid. May be called on the deadline watchdog's thread. */
    default void leadershipLost(LeadershipLost event) {
    }

    /**
     * What this elector observes of its Lease changed (any field or annotation: a watch delivery, a read, its own
     * write); the Lease as now observed is the elector's {@code observed()}. Called on the elector's thread.
     */
    default void leaseChanged(LeaseRef lease) {
    }

    /** The observed holder changed. */
    default void leaderChanged(LeaderChanged event) {
    }

    /**
     * One acquire or renew round on {@code lease} ({@code namespace/name}) finished; {@code failure} is null when
     * the API answered.
     */
    default void attempted(LeaseRef lease, boolean asLeader, Duration latency, LeaseStoreException failure) {
    }
}
