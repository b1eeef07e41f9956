package dev.baton;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * One continuous period during which this replica holds a Lease: from the write that acquired it to the moment it
 * stopped leading (released, renew deadline passed, taken, shut down).
 * <p>
 * The {@linkplain #epoch() epoch} is the Lease's {@code leaseTransitions} for this term. Every new term gets a
 * larger one, so it serves as a fencing token: a store that remembers the largest epoch it has accepted can refuse
 * writes from a replica whose term has ended without that replica's cooperation.
 * <p>
 * {@link #isValid()} turns false the instant the renew deadline passes on this process's monotonic clock, even if
 * no thread has run since; check it before each side effect.
 */
public interface Term {

    /** The Lease this term holds. */
    LeaseRef lease();

    /** The holder identity written to the Lease (the pod name by default). */
    String holder();

    /** The Lease's {@code leaseTransitions} for this term: the fencing token. */
    long epoch();

    /** Wall-clock time at which the term began (for people; never used to judge expiry). */
    Instant startedAt();

    /** True while this replica still leads in this term: not ended, and the renew deadline not passed. */
    boolean isValid();

    /** Completes, with the reason, when the term ends. Never completes exceptionally. */
    CompletionStage<LeadershipLost.Reason> ended();
}
