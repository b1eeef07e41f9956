package dev.baton.election;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import dev.baton.Term;
import dev.baton.store.LeaseSnapshot;

/**
 * What others may write into the Lease within one of this elector's terms (the job runner's records, through
 * {@link LeaseAnnotations} and {@link LeaderElector#updateAnnotationsWithNextRenewal}): only while that term is this
 * elector's current and valid one, and the election is not closed. The election's own writes (renewals, takes,
 * releases) are {@link ElectorStateMachine}'s; this class only answers for the term they run in.
 */
final class TermWrites {

    private final CurrentTerm term;
    private final ObservedLease lease;
    private final LeaseRecords records;
    private final BooleanSupplier closed;
    private final PendingAnnotations riding;

    TermWrites(CurrentTerm term, ObservedLease lease, LeaseRecords records, BooleanSupplier closed,
            PendingAnnotations riding) {
        this.term = term;
        this.lease = lease;
        this.records = records;
        this.closed = closed;
        this.riding = riding;
    }

    /** For {@link LeaseAnnotations}: the snapshot to write from while {@code expected} is current, valid and ours. */
    LeaseSnapshot heldIn(Term expected) {
        LeaseSnapshot last = lease.snapshot();
        boolean held = current(expected) != null && last != null && records.isMine(last.record());
        return held ? last : null;
    }

    /**
     * Queues annotation changes to ride on the next write of the Lease within {@code expected} (see
     * {@link PendingAnnotations}); false at once unless it is this elector's current, valid term. Any thread.
     */
    CompletableFuture<Boolean> withNextWrite(Term expected,
            Function<Map<String, String>, Map<String, String>> compute) {
        ElectionTerm t = current(expected);
        return t == null ? CompletableFuture.completedFuture(false) : riding.queue(t, compute);
    }

    /** For {@link LeaseAnnotations}: what an annotation write within {@code expected} carries along. */
    PendingAnnotations.Batch ridingWith(Term expected) {
        return riding.batchFor(expected);
    }

    /** The current term when it is {@code expected}, still valid, and the election is not closed; else null. */
    private ElectionTerm current(Term expected) {
        ElectionTerm t = term.get();
        return !closed.getAsBoolean() && t != null && t == expected && t.isValid() ? t : null;
    }
}
