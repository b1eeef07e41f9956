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

    private final LeaseStore store;
    private final String name;
    private final String identity;
    private final AnnotationDeferral deferral;
    private final Ticker ticker;
    private final FencedLease fenced;
    /** What waits, per key (null: remove it); the term it belongs to. Guarded by {@code this}. */
    private final Map<String, String> pending = new HashMap<>();
    private Term pendingTerm;
    private long oldestPendingNanos;
    /** Something waiting must go with the next batch ({@link AnnotationDeferral#urgent()}). */
    private boolean urgent;
    /** The epoch that fenced this Lease last from here; on the elector's thread. */
    private long fencedEpoch = -1;
    private boolean failureSaid;
    private volatile LeaseSnapshot seen;
    private volatile AutoCloseable watchHandle;
    /** Moves on with every change of what {@link #over} shows, so that views are made again only then. */
    private volatile long version;

    DeferredAnnotations(LeaseStore store, String name, String identity, AnnotationDeferral deferral, Ticker ticker) {
        this.store = store;
        this.name = name;
        this.identity = identity;
        this.deferral = deferral;
        this.ticker = ticker;
        this.fenced = new FencedLease(store, name);
    }

    String name() {
        return name;
    }

    /** True for the annotations that go here. */
    boolean takes(String key) {
        return deferral.keys().test(key);
    }

    /** Reads the Lease and starts watching it; on the elector's thread, before its first round. */
    void start() {
        try {
            store.get(name).ifPresent(this::saw);
        } catch (LeaseStoreException e) {
            LOG.debugf("Lease %s not read yet: %s", name, e.getMessage());
        }
        try {
            watchHandle = store.watch(name, new LeaseStore.LeaseWatcher() {
                @Override
                public void onChange(Optional<LeaseSnapshot> snapshot) {
                    snapshot.ifPresent(DeferredAnnotations.this::saw);
                }

                @Override
                public void onClose(LeaseStoreException cause) {
                    // Read again at the next write; the view keeps the last seen meanwhile.
                }
            });
        } catch (LeaseStoreException e) {
            LOG.debugf("Lease %s not watched: %s", name, e.getMessage());
        }
    }

    void stop() {
        AutoCloseable h = watchHandle;
        if (h != null) {
            try {
                h.close();
            } catch (Exception e) {
                LOG.debugf("Lease %s: closing its watch: %s", name, e.getMessage());
            }
        }
    }

    /** {@code records} (the record Lease's annotations) with this Lease's and the waiting changes over them. */
    synchronized Map<String, String> over(Map<String, String> records) {
        Map<String, String> all = new HashMap<>(records);
        LeaseSnapshot s = seen;
        if (s != null) {
            all.putAll(s.record().annotations());
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
        urgent |= changes.values().stream().anyMatch(v -> v != null && deferral.urgent().test(v));
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
            if (!handingOver && !urgent && ticker.nanos() - oldestPendingNanos < deferral.every().toNanos()) {
                return;
            }
            batch = new HashMap<>(pending);
            urgent = false; // set again by what is added meanwhile, or after a failed write
        }
        try {
            if (fencedEpoch != current.epoch()) {
                Optional<LeaseSnapshot> after = fenced.fence(identity, current.epoch());
                if (after.isEmpty()) {
                    LOG.infof("Lease %s: a later term fenced it; epoch %d writes nothing more", name, current.epoch());
                    dropIfStill(current);
                    return;
                }
                fencedEpoch = current.epoch();
                saw(after.get());
            }
            FencedLease.Outcome outcome = fenced.write(identity, current.epoch(),
                    annotations -> LeaseAnnotations.withChanges(annotations, batch));
            fenced.lastSeen().ifPresent(this::saw);
            if (outcome == FencedLease.Outcome.DEPOSED) {
                dropIfStill(current);
                return;
            }
            synchronized (this) {
                batch.forEach(pending::remove); // what changed again meanwhile waits for the next write
                if (!pending.isEmpty()) {
                    oldestPendingNanos = ticker.nanos();
                }
                version++;
            }
            failureSaid = false;
        } catch (LeaseStoreException | IllegalStateException e) {
            synchronized (this) {
                oldestPendingNanos = ticker.nanos(); // tried again after another wait, or at the hand-over
                urgent |= batch.values().stream().anyMatch(v -> v != null && deferral.urgent().test(v));
            }
            if (!failureSaid) {
                failureSaid = true;
                LOG.warnf("Lease %s (the job histories of this shard) could not be written: %s. The histories wait here "
                        + "and are tried again; the records and the jobs are not affected. A 403: add the Lease to "
                        + "the Role's resourceNames beside the shard and record Leases", name, e.getMessage());
            }
        }
    }

    private synchronized void dropIfStill(Term term) {
        if (pendingTerm == term) {
            drop();
        }
    }

    private void drop() {
        pending.clear();
        urgent = false;
        pendingTerm = null;
        version++;
    }

    /** Keeps {@code s} unless what is kept is newer. */
    private void saw(LeaseSnapshot s) {
        synchronized (this) {
            LeaseSnapshot current = seen;
            if (current == null || !RecordLease.older(s.resourceVersion(), current.resourceVersion())) {
                seen = s;
                version++;
            }
        }
    }
}
