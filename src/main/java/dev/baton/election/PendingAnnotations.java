package dev.baton.election;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.baton.Term;
import dev.baton.store.LeaseRecord;

/**
 * Annotation changes waiting to ride on the elector's next write of the Lease (a renewal, the release, or an
 * annotation write that happens anyway), so that a record that need not land at once costs no request of its own.
 * <p>
 * Changes belong to the term that queued them and are written only within it: a renewal of another term, or the take
 * of a new one, never carries them; when their term ends first they are dropped (their futures complete false). Each
 * is computed on the elector's thread, from the annotations about to be written (with the changes queued before it
 * applied), so that "only if newer than what is there" is decided on the very version that is written; changes to
 * one key coalesce, the later winning. The elector's own annotations are never changed from here.
 * <p>
 * Any thread queues; the elector's thread takes a {@link Batch} and, once the write that carried it landed, marks it
 * so. A write that fails leaves the changes for the next one.
 */
final class PendingAnnotations {

    private static final Logger LOG = Logger.getLogger(PendingAnnotations.class);

    /** Annotations only the election writes: a change to them from here would make the holder lose its own Lease. */
    private static final Set<String> ELECTION_KEYS = Set.of(LeaderElector.INSTANCE_ANNOTATION,
            LeaderElector.RELEASED_BY_ANNOTATION);

    private record Entry(Function<Map<String, String>, Map<String, String>> compute,
            CompletableFuture<Boolean> landed) {
    }

    private Term term; // the term the queued entries belong to; guarded by this
    private final List<Entry> entries = new ArrayList<>(); // in the order queued; guarded by this

    /**
     * Queues {@code compute} for the next write within {@code t}: completes true when a write carrying its changes
     * landed, false when {@code t} ended first, or when {@code compute} declined (returned null) on the version
     * written. Never exceptionally.
     */
    CompletableFuture<Boolean> queue(Term t, Function<Map<String, String>, Map<String, String>> compute) {
        Entry entry = new Entry(compute, new CompletableFuture<>());
        List<Entry> stale;
        boolean firstOfTerm;
        synchronized (this) {
            firstOfTerm = term != t;
            stale = firstOfTerm ? takeAll() : List.of(); // an earlier term's: it has ended, or it would not change
            term = t;
            entries.add(entry);
        }
        complete(stale, false);
        if (firstOfTerm) {
            t.ended().whenComplete((reason, e) -> drop(t)); // at once if it has ended already
        }
        if (!t.isValid()) {
            drop(t); // past its deadline, not yet ended by the watchdog: no write will carry it
        }
        return entry.landed();
    }

    /** What the next write within {@code t} carries: every change queued in {@code t} so far (maybe none). */
    synchronized Batch batchFor(Term t) {
        return t != null && t == term && !entries.isEmpty() ? new Batch(this, new ArrayList<>(entries)) : Batch.EMPTY;
    }

    /** As {@link #batchFor}, and nothing is queued for {@code t} any more: for the release, the term's last write. */
    Batch detach(Term t) {
        synchronized (this) {
            if (t == null || t != term || entries.isEmpty()) {
                return Batch.EMPTY;
            }
            return new Batch(this, takeAll());
        }
    }

    /** Drops what {@code t} queued: it ended before a write carried it. */
    void drop(Term t) {
        List<Entry> dropped;
        synchronized (this) {
            dropped = t == term ? takeAll() : List.of();
        }
        if (!dropped.isEmpty()) {
            LOG.debugf("%d annotation change(s) of %s dropped: the term ended before a write carried them",
                    dropped.size(), t);
        }
        complete(dropped, false);
    }

    private List<Entry> takeAll() {
        List<Entry> all = new ArrayList<>(entries);
        entries.clear();
        return all;
    }

    private synchronized void remove(List<Entry> written) {
        Set<Entry> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        gone.addAll(written);
        entries.removeIf(gone::contains);
    }

    private static void complete(List<Entry> done, boolean landed) {
        done.forEach(e -> e.landed().complete(landed)); // outside any lock: completing runs the callers' callbacks
    }

    /**
     * The changes one write carries. {@link #applyTo} may run several times (a write that conflicted is computed
     * again on the version read); what the last application decided is what {@link #landed} reports.
     */
    static final class Batch {

        static final Batch EMPTY = new Batch(null, List.of());

        private final PendingAnnotations from;
        private final List<Entry> carried;
        private final Set<Entry> declined = Collections.newSetFromMap(new IdentityHashMap<>());

        private Batch(PendingAnnotations from, List<Entry> carried) {
            this.from = from;
            this.carried = carried;
        }

        boolean isEmpty() {
            return carried.isEmpty();
        }

        /** The changes of every entry, each computed on {@code annotations} with the earlier ones applied. */
        Map<String, String> changesTo(Map<String, String> annotations) {
            if (carried.isEmpty()) {
                return new HashMap<>();
            }
            declined.clear();
            Map<String, String> after = new HashMap<>(annotations);
            Map<String, String> changes = new HashMap<>();
            for (Entry e : carried) {
                Map<String, String> c;
                try {
                    c = e.compute().apply(Collections.unmodifiableMap(new HashMap<>(after)));
                } catch (RuntimeException ex) {
                    LOG.debugf(ex, "An annotation change failed to compute; not written");
                    c = null;
                }
                if (c == null) {
                    declined.add(e);
                    continue;
                }
                c.forEach((k, v) -> {
                    if (ELECTION_KEYS.contains(k)) {
                        return;
                    }
                    changes.put(k, v);
                    if (v == null) {
                        after.remove(k);
                    } else {
                        after.put(k, v);
                    }
                });
            }
            return changes;
        }

        /** {@code record} with this batch's changes applied to its annotations. */
        LeaseRecord applyTo(LeaseRecord record) {
            return carried.isEmpty() ? record
                    : LeaseAnnotations.withChanges(record, changesTo(record.annotations()));
        }

        /** The write carrying this batch landed: its entries are done (false for those that declined). */
        void landed() {
            if (carried.isEmpty()) {
                return;
            }
            from.remove(carried);
            carried.forEach(e -> e.landed().complete(!declined.contains(e)));
        }

        /** The write this batch was taken for (the release) did not land: nothing else will carry it. */
        void dropped() {
            complete(carried, false);
        }
    }
}
