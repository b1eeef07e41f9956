package dev.baton.election;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * Writes annotations (the job runner's records) into a Lease its elector holds, within one term. Each write runs on
 * the elector's thread, between renewals, so nothing else this elector writes comes in between; it is conditional on
 * the version this leader last wrote or read, and after a conflict it re-reads once and retries while the Lease
 * still shows this process. Renewals and acquisitions carry annotations over, so what is written here survives them
 * and a handover.
 * <p>
 * A write here also carries the changes its term queued for the next write ({@link PendingAnnotations}), computed
 * first: they were queued earlier, and what is written here is decided on the Lease with them applied. A write that
 * is declined carries nothing; they wait for the renewal.
 */
final class LeaseAnnotations {

    private static final Logger LOG = Logger.getLogger(LeaseAnnotations.class);

    private final Executor electorThread;
    private final LeaseStore store;
    private final LeaseRef lease;
    private final Function<Term, LeaseSnapshot> heldIn;
    private final Function<Term, PendingAnnotations.Batch> riding;
    private final Consumer<LeaseSnapshot> wrote;
    private final Runnable reread;

    /**
     * @param electorThread where writes run, one at a time with the elector's rounds
     * @param heldIn the snapshot to write from, or null unless the term is current and valid and the Lease shows us
     * @param riding the changes queued in a term for its next write, which a write here carries too
     * @param wrote notes a version this writer wrote
     * @param reread after a conflict: reads the Lease and decides on it as if the watch had delivered it
     */
    LeaseAnnotations(Executor electorThread, LeaseStore store, LeaseRef lease, Function<Term, LeaseSnapshot> heldIn,
            Function<Term, PendingAnnotations.Batch> riding, Consumer<LeaseSnapshot> wrote, Runnable reread) {
        this.electorThread = electorThread;
        this.store = store;
        this.lease = lease;
        this.heldIn = heldIn;
        this.riding = riding;
        this.wrote = wrote;
        this.reread = reread;
    }

    /**
     * Queues a write of the changes {@code compute} derives from the Lease's current annotations (a null value
     * removes a key; a null map writes nothing). Completes with false, never exceptionally, when {@code term} is not
     * current or valid, {@code compute} declined, or the API refused or failed the write.
     */
    CompletableFuture<Boolean> update(Term term, Function<Map<String, String>, Map<String, String>> compute) {
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        try {
            electorThread.execute(() -> {
                try {
                    written.complete(write(term, compute));
                } catch (RuntimeException e) {
                    LOG.debugf(e, "Lease %s: annotations not written", lease);
                    written.complete(false);
                }
            });
        } catch (RejectedExecutionException e) {
            written.complete(false); // the elector closed
        }
        return written;
    }

    private boolean write(Term term, Function<Map<String, String>, Map<String, String>> compute) {
        for (int round = 0; round < 2; round++) {
            LeaseSnapshot last = heldIn.apply(term);
            if (last == null) {
                return false;
            }
            PendingAnnotations.Batch carried = riding.apply(term);
            Map<String, String> before = last.record().annotations();
            Map<String, String> earlier = carried.changesTo(before);
            Map<String, String> changes = compute.apply(withChanges(before, earlier));
            if (changes == null) {
                return false;
            }
            Map<String, String> all = new HashMap<>(earlier);
            all.putAll(changes); // this write's own changes were decided after the queued ones: they win
            try {
                Optional<LeaseSnapshot> done = store.update(last, withChanges(last.record(), all));
                if (done.isPresent()) {
                    wrote.accept(done.get());
                    carried.landed();
                    return true;
                }
                // Conflict: a Lease taken (or deleted) meanwhile ends the term now; the watch event with the same
                // content is ignored later.
                reread.run();
            } catch (LeaseStoreException e) {
                LOG.debugf("Lease %s: annotations not written: %s", lease, e.getMessage());
                return false;
            }
        }
        return false;
    }

    /** {@code r} with {@code changes} applied to its annotations; everything else as it was. */
    static LeaseRecord withChanges(LeaseRecord r, Map<String, String> changes) {
        return new LeaseRecord(r.holderIdentity(), r.leaseDurationSeconds(), r.acquireTime(), r.renewTime(),
                r.leaseTransitions(), withChanges(r.annotations(), changes));
    }

    /** {@code annotations} with {@code changes} applied (a null value removes the key). */
    static Map<String, String> withChanges(Map<String, String> annotations, Map<String, String> changes) {
        Map<String, String> after = new HashMap<>(annotations);
        changes.forEach((k, v) -> {
            if (v == null) {
                after.remove(k);
            } else {
                after.put(k, v);
            }
        });
        return after;
    }
}
