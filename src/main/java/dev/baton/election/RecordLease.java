package dev.baton.election;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import dev.baton.Term;
import dev.baton.store.FencedLease;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * Where an elector of a shard Lease keeps its jobs' annotations (records, run statuses, operators' controls): another
 * Lease, which nobody renews, so that the shard Lease's renewals stay small whatever the jobs (issue 19). The elector
 * writes the annotations here instead of into its own Lease, and shows them in its {@link LeaderElector#observed()}
 * view, so the job runner reads and writes them as before.
 * <ul>
 * <li>A term is fenced before it begins ({@link #fence}): the record Lease names the term's holder and epoch, by a
 * conditional write. Every later write carries them and is conditional too ({@link FencedLease}), so a write of a
 * term that has ended is refused once a later term fenced the Lease.</li>
 * <li>What must land at once (a started record, a request's claim) is a write of its own ({@link #write}); what only
 * tells how a run ended is queued ({@link #queue}) and written with the others of its term after the elector's next
 * round ({@link #flush}), or before a release: one write for all the runs that ended meanwhile.</li>
 * <li>Every replica watches it (the process's shared watch), so each one's {@code GET /jobs} shows the records.</li>
 * </ul>
 * Writes, fence and flush run on the elector's thread; the view is read from anywhere.
 */
final class RecordLease {

    private static final Logger LOG = Logger.getLogger(RecordLease.class);

    private record Queued(Term term, Function<Map<String, String>, Map<String, String>> compute,
            CompletableFuture<Boolean> done) {
    }

    private final WatchedLease lease;
    private final String identity;
    /** Where the annotations that may wait go (the histories), or null: everything goes here. */
    private final DeferredAnnotations deferred;
    private final Runnable news;
    private final List<Queued> queued = new ArrayList<>();
    // The last view made, and what it was made of: a new object only when either part changed, so that readers
    // that compare snapshots by identity (the controls) see news only when there is news.
    private LeaseSnapshot viewOf;
    private LeaseSnapshot viewSeen;
    private long viewDeferred;
    private LeaseSnapshot view;

    RecordLease(LeaseStore store, String name, String identity) {
        this(store, name, identity, null, () -> {
        });
    }

    /**
     * @param deferred where the annotations that may wait go; null: here, with the others
     * @param news told when the watch shows a new version (an operator's control, another replica's write), so that
     *        whoever reacts to the elector's changes looks now, not at the shard's next round
     */
    RecordLease(LeaseStore store, String name, String identity, DeferredAnnotations deferred, Runnable news) {
        this.lease = new WatchedLease(store, name);
        this.identity = identity;
        this.deferred = deferred;
        this.news = news;
    }

    String name() {
        return lease.name();
    }

    Optional<String> deferredName() {
        return Optional.ofNullable(deferred).map(DeferredAnnotations::name);
    }

    /** Reads the record Lease and starts watching it. On the elector's thread, before its first round. */
    void start() {
        lease.start(news);
        if (deferred != null) {
            deferred.start();
        }
    }

    void stop() {
        if (deferred != null) {
            deferred.stop();
        }
        lease.stop();
    }

    /**
     * Names the term that just won the shard Lease ({@code won}: the record it wrote) in the record Lease, before it
     * begins; null when done, else why not (the term must not begin).
     */
    LeaseStoreException fence(LeaseRecord won) {
        long epoch = won.leaseTransitions() == null ? 0 : won.leaseTransitions();
        try {
            Optional<LeaseSnapshot> after = lease.fenced().fence(identity, epoch);
            if (after.isEmpty()) {
                return new LeaseStoreException(LeaseStoreException.Kind.OTHER, 0, "record Lease " + name()
                        + " names a later epoch than " + epoch + "; taking the shard again with a higher one", null);
            }
            lease.saw(after.get());
            if (deferred != null) {
                deferred.termBegins(epoch);
            }
            return null;
        } catch (LeaseStoreException e) {
            return e;
        }
    }

    /**
     * Writes what {@code compute} derives from the record Lease's annotations (with the term's queued changes applied
     * first, and carried along), while {@code held} says the term is current, valid and holds the shard. On the
     * elector's thread. False when not written.
     */
    boolean write(Term term, Function<Map<String, String>, Map<String, String>> compute, Predicate<Term> held) {
        List<Queued> carried = take(term);
        List<Function<Map<String, String>, Map<String, String>>> all = new ArrayList<>();
        carried.forEach(q -> all.add(q.compute()));
        all.add(compute);
        boolean[] own = new boolean[1];
        boolean ok = held.test(term) && apply(term, all, own);
        carried.forEach(q -> q.done().complete(ok));
        return ok && own[0];
    }

    /** Queues changes to be written with the term's next batch. Any thread. */
    CompletableFuture<Boolean> queue(Term term, Function<Map<String, String>, Map<String, String>> compute) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        synchronized (queued) {
            queued.add(new Queued(term, compute, done));
        }
        return done;
    }

    /**
     * Writes everything queued for {@code term} in one write, if it is still held; drops other terms' changes. Then
     * what waits for the deferred Lease, if it waited long enough or {@code handingOver} (a release or a graceful
     * close follows).
     */
    void flush(Term term, Predicate<Term> held, boolean handingOver) {
        List<Queued> carried = take(term);
        if (!carried.isEmpty()) {
            boolean ok = term != null && held.test(term)
                    && apply(term, carried.stream().map(Queued::compute).toList(), new boolean[1]);
            carried.forEach(q -> q.done().complete(ok));
        }
        if (deferred != null) {
            deferred.flush(term, held, handingOver);
        }
    }

    /** The shard Lease as the elector observed it, its annotations those of the record Lease. Any thread. */
    synchronized LeaseSnapshot view(LeaseSnapshot shard) {
        LeaseSnapshot records = lease.seen();
        long deferredNow = deferred == null ? 0 : deferred.version();
        if (shard != viewOf || records != viewSeen || deferredNow != viewDeferred || view == null) {
            LeaseRecord r = shard.record();
            Map<String, String> annotations = records == null ? Map.of() : records.record().annotations();
            view = new LeaseSnapshot(shard.name(), shard.resourceVersion(), new LeaseRecord(r.holderIdentity(),
                    r.leaseDurationSeconds(), r.acquireTime(), r.renewTime(), r.leaseTransitions(),
                    deferred == null ? annotations : deferred.over(annotations)), shard.source());
            viewOf = shard;
            viewSeen = records;
            viewDeferred = deferredNow;
        }
        return view;
    }

    /** The queued changes of {@code term}, removed; those of other terms are dropped (their term is over). */
    private List<Queued> take(Term term) {
        List<Queued> mine = new ArrayList<>();
        synchronized (queued) {
            for (Queued q : queued) {
                if (q.term() == term) {
                    mine.add(q);
                } else {
                    q.done().complete(false);
                }
            }
            queued.clear();
        }
        return mine;
    }

    /**
     * One conditional write of all {@code computes}, in order; {@code ownWritten[0]} when the last one changed. The
     * computes see every annotation of the shard, the deferred ones included; what they change of those waits for the
     * deferred Lease, the rest is written here.
     */
    private boolean apply(Term term, List<Function<Map<String, String>, Map<String, String>>> computes,
            boolean[] ownWritten) {
        Map<String, String> toDefer = new HashMap<>();
        try {
            FencedLease.Outcome outcome = lease.fenced().write(identity, term.epoch(), annotations -> {
                toDefer.clear(); // computed again after a conflict
                Map<String, String> after = deferred == null ? new HashMap<>(annotations) : deferred.over(annotations);
                Map<String, String> changed = new HashMap<>();
                ownWritten[0] = false;
                boolean any = false;
                for (int i = 0; i < computes.size(); i++) {
                    Map<String, String> changes = computes.get(i).apply(new HashMap<>(after));
                    if (changes != null) {
                        after = LeaseAnnotations.withChanges(after, changes);
                        changed.putAll(changes);
                        ownWritten[0] = i == computes.size() - 1;
                        any = true;
                    }
                }
                if (!any) {
                    return null;
                }
                Map<String, String> here = new HashMap<>();
                changed.forEach((k, v) -> (deferred != null && deferred.takes(k) ? toDefer : here).put(k, v));
                return here.isEmpty() ? null : LeaseAnnotations.withChanges(annotations, here);
            });
            lease.sawWriter();
            if (outcome == FencedLease.Outcome.DEPOSED) {
                LOG.infof("Record Lease %s: a later term fenced it; epoch %d writes nothing more", name(),
                        term.epoch());
                return false;
            }
            if (deferred != null) {
                deferred.add(term, toDefer);
            }
            return true;
        } catch (LeaseStoreException | IllegalStateException e) {
            LOG.debugf("Record Lease %s: not written: %s", name(), e.getMessage());
            return false;
        }
    }
}
