package dev.baton.election;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

import dev.baton.Term;
import dev.baton.store.LeaseSnapshot;

/**
 * Where the annotations written through an elector land: into its own Lease (at once, or riding on its next write),
 * or, for a shard of spread jobs, into the shard's record Lease, fenced by the elector's terms, so that the shard's
 * renewals carry nothing but the election ({@link RecordLease}). Apart from {@link LeaderElector} so that the
 * elector's loop reads the same whichever way its annotations go.
 */
final class AnnotationRoute {

    private final Executor loop;
    private final LeaseAnnotations annotations;
    private final TermWrites termWrites;
    /** The record Lease, or null: the annotations go to the elector's own Lease. */
    private final RecordLease records;

    AnnotationRoute(Executor loop, LeaseAnnotations annotations, TermWrites termWrites, RecordLease records) {
        this.loop = loop;
        this.annotations = annotations;
        this.termWrites = termWrites;
        this.records = records;
    }

    /** On the loop, before the first round: the record Lease is read (or created). */
    void start() {
        if (records != null) {
            records.start();
        }
    }

    /**
     * On the loop: what the current term queued for its record Lease, in one write (nothing without a term), and
     * what waits for the deferred Lease if it waited long enough or {@code handingOver} (a release follows).
     */
    void flush(Optional<Term> current, boolean handingOver) {
        if (records != null) {
            records.flush(current.orElse(null), this::holds, handingOver);
        }
    }

    /** On the loop, after the term ended: the record Lease is let go. */
    void stop() {
        if (records != null) {
            records.stop();
        }
    }

    private boolean holds(Term term) {
        return termWrites.heldIn(term) != null;
    }

    /** See {@link LeaderElector#updateAnnotations(Term, Function)}. */
    CompletableFuture<Boolean> now(Term term, Function<Map<String, String>, Map<String, String>> changes) {
        if (records == null) {
            return annotations.update(term, changes);
        }
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        try {
            loop.execute(() -> written.complete(records.write(term, changes, this::holds)));
        } catch (RejectedExecutionException e) {
            written.complete(false); // the elector closed
        }
        return written;
    }

    /** See {@link LeaderElector#updateAnnotationsWithNextRenewal}. */
    CompletableFuture<Boolean> withNextWrite(Term term, Function<Map<String, String>, Map<String, String>> changes) {
        if (records != null) {
            return holds(term) ? records.queue(term, changes) : CompletableFuture.completedFuture(false);
        }
        return termWrites.withNextWrite(term, changes);
    }

    /** The Lease as observed, its annotations the record Lease's when there is one. */
    Optional<LeaseSnapshot> view(Optional<LeaseSnapshot> observed) {
        return records == null ? observed : observed.map(records::view);
    }

    /** The record Lease's name, when the annotations go there. */
    Optional<String> recordLease() {
        return Optional.ofNullable(records).map(RecordLease::name);
    }

    /** The deferred Lease's name, when some annotations wait for it. */
    Optional<String> deferredLease() {
        return Optional.ofNullable(records).flatMap(RecordLease::deferredName);
    }
}
