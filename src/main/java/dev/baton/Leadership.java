package dev.baton;

import java.util.Optional;

/**
 * What this replica knows of one Lease's election, read without blocking: safe on the event loop and in a
 * scheduler's skip predicate. Inject it for the service-wide Lease; ask {@link Leaderships} for a job's Lease.
 * Read-only: nothing here starts, releases or stops an election.
 */
public interface Leadership {

    /** The Lease. */
    LeaseRef lease();

    /** This replica's identity (what it writes as the holder when it leads). */
    String identity();

    /** True while this replica holds the Lease and its term is valid. */
    default boolean isLeader() {
        return currentTerm().isPresent();
    }

    /** The identity that holds the Lease as last observed here, if any (this replica's when it leads). */
    Optional<String> holder();

    /** @deprecated the holder has one name across the API: use {@link #holder()}. */
    @Deprecated(forRemoval = true)
    default Optional<String> leader() {
        return holder();
    }

    /** This replica's current, valid term; empty when it is not the leader. */
    Optional<Term> currentTerm();
}
