package dev.baton.election;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import dev.baton.Term;
import dev.baton.clock.Ticker;
import dev.baton.store.FencedLease;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * The Lease where a shard keeps the annotations that may land late ({@link AnnotationDeferral}: its jobs' histories,
 * {@code <service>-history-07}), beside its record Lease. Why apart: a history of ten entries is about ten times a
 * record, and a Lease is written whole, so histories kept with the records were sent again with every batch of
 * records (at 200 jobs firing each minute, 90 % of the bytes Baton wrote). Here they are written once per
 * {@link AnnotationDeferral#every()}, and before a release.
 * <ul>
 * <li>The changes wait in memory ({@link #add}); this process's view shows them at once ({@link #over}), other
 * replicas when they land. A term that ends without handing over (a crash, a lost Lease) loses what had not landed:
 * history entries, never a record (records stay on the record Lease, written as before).</li>
 * <li>Fenced as the record Lease is, by the same term (holder and epoch, conditional writes,
 * {@link FencedLease}), but lazily, at the term's first write here: a history Lease that cannot be written (a Role
 * that does not list it) costs the histories, said once in the log, never the term or its jobs.</li>
 * </ul>
 * Written on the elector's thread; read from anywhere.
 */
final class DeferredAnnotations {

    private static final Logger LOG = Logger.getLogger(DeferredAnnotations.class);

    private final WatchedLease lease;
    private final String identity;
    private final AnnotationDeferral deferral;
    private final Ticker ticker;
    /** What waits, per key (null: remove it); the term it belongs to. Guarded by {@code this}. */
    private final Map<String, String> pending = new HashMap<>();
    private Term pendingTerm;
    private long oldestPendingNanos;
    /** The epoch that fenced this Lease last from here; on the elector's thread. */
    private long fencedEpoch = -1;
    private boolean failureSaid;
    /** Moves on with every change of what {@link #over} shows, so that views are made again only then. */
    private volatile long version;

    DeferredAnnotations(LeaseStore store, String name, String identity, AnnotationDeferral deferral, Ticker ticker) {
        this.lease = new WatchedLease(store, name);
        this.identity = identity;
        this.deferral = deferral;
        this.ticker = ticker;
    }

    String name() {
        return lease.name();
    }

    /** True for the annotations that go here. */
    boolean takes(String key) {
        return deferral.keys().test(key);
    }

    /** Reads the Lease and starts watching it; on the elector's thread, before its first round. */
    void start() {
        lease.start(this::changed);
    }

    void stop() {
        lease.stop();
    }

    /**
     * {@code records} (the record Lease's annotations) with this Lease's and the waiting changes over them. Only the
     * keys that belong here are taken from this Lease: anything else on it (a control or a record put there by hand)
     * is not Baton's and must not shadow the record Lease.
     */
    synchronized Map<String, String> over(Map<String, String> records) {
        Map<String, String> all = new HashMap<>(records);
        LeaseSnapshot s = lease.seen();
        if (s != null) {
            s.record().annotations().forEach((k, v) -> {
                if (takes(k)) {
                    all.put(k, v);
                }
            });
        }
        return LeaseAnnotations.withChanges(all, pending);
    }

    long version() {
        return version;
    }

    /** Changes of {@code term} that may wait; those of an earlier term still waiting are dropped (it is over). */
    synchronized void add(Term term, Map<String, String> changes) {
        if (changes.isEmpty()) {
            return;
        }
        if (pendingTerm != term) {
            pending.clear();
            pendingTerm = term;
        }
        if (pending.isEmpty()) {
            oldestPendingNanos = ticker.nanos();
        }
        pending.putAll(changes);
        version++;
    }

    /**
     * Writes what waits if the oldest change has waited {@link AnnotationDeferral#every()}, or at once when
     * {@code handingOver}; only within {@code current} while {@code held} says it holds the shard, else it is dropped.
     * On the elector's thread.
     */
    void flush(Term current, Predicate<Term> held, boolean handingOver) {
        Map<String, String> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            if (current == null || pendingTerm != current || !held.test(current)) {
                drop();
                return;
            }
            if (!handingOver && ticker.nanos() - oldestPendingNanos < deferral.every().toNanos()) {
                return;
            }
            batch = new HashMap<>(pending);
        }
        try {
            if (fencedEpoch != current.epoch() && !fence(current.epoch())) {
                LOG.infof("Lease %s: a later term fenced it; epoch %d writes nothing more", name(), current.epoch());
                dropIfStill(current);
                return;
            }
            FencedLease.Outcome outcome = lease.fenced().write(identity, current.epoch(),
                    annotations -> LeaseAnnotations.withChanges(annotations, batch));
            saw(lease.fenced().lastSeen());
            if (outcome == FencedLease.Outcome.DEPOSED) {
                fencedEpoch = -1; // deleted or fenced by a later term: only a new fence may write it again
                dropIfStill(current);
                return;
            }
            synchronized (this) {
                batch.forEach(pending::remove); // removes a key only while it still holds the value written
                if (!pending.isEmpty()) {
                    oldestPendingNanos = ticker.nanos();
                }
                version++;
            }
            failureSaid = false;
        } catch (LeaseStoreException | IllegalStateException e) {
            fencedEpoch = -1; // read and fenced again at the next try
            synchronized (this) {
                oldestPendingNanos = ticker.nanos(); // tried again after another wait, or at the hand-over
            }
            if (!failureSaid) {
                failureSaid = true;
                LOG.warnf("Lease %s (the job histories of this shard) could not be written: %s. The histories wait here "
                        + "and are tried again after baton.jobs.spread-history-interval; records, run requests and "
                        + "the jobs are not affected. A 403: add the Lease to the Role's resourceNames beside the "
                        + "shard and record Leases", name(), e.getMessage());
            }
        }
    }

    /**
     * A term of the shard began ({@code epoch}): fences this Lease now, so that it reads what the last term wrote
     * before adding to it, and so that a term that ended writes nothing more here. Not a condition of the term: a
     * Lease that cannot be written costs histories, not jobs; the first write tries again. On the elector's thread.
     */
    void termBegins(long epoch) {
        try {
            if (!fence(epoch)) {
                LOG.debugf("Lease %s names a later epoch than %d", name(), epoch);
            }
        } catch (LeaseStoreException | IllegalStateException e) {
            LOG.debugf("Lease %s not fenced at the start of epoch %d: %s", name(), epoch, e.getMessage());
        }
    }

    /** Names ({@link #identity}, {@code epoch}) as the term that may write; false when a later one does. */
    private boolean fence(long epoch) {
        Optional<LeaseSnapshot> after = lease.fenced().fence(identity, epoch);
        saw(lease.fenced().lastSeen());
        fencedEpoch = after.isPresent() ? epoch : -1;
        return after.isPresent();
    }

    private synchronized void dropIfStill(Term term) {
        if (pendingTerm == term) {
            drop();
        }
    }

    private void drop() {
        pending.clear();
        pendingTerm = null;
        version++;
    }

    /** Keeps what the writer last read or wrote unless older; the views are made again when it is news. */
    private void saw(Optional<LeaseSnapshot> s) {
        if (s.isPresent() && lease.saw(s.get())) {
            changed();
        }
    }

    private synchronized void changed() {
        version++;
    }
}
