package dev.baton.election;

import java.util.Optional;

import org.jboss.logging.Logger;

import dev.baton.store.FencedLease;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * A Lease that a shard's terms write by fenced, conditional writes and that every replica watches: a shard's record
 * Lease ({@link RecordLease}) and its history Lease ({@link DeferredAnnotations}). Keeps the newest version seen, from
 * this process's own reads and writes or from the watch, and brings the fenced writer up to it
 * ({@link FencedLease#saw}), so that a change is computed on what others wrote since (an operator's annotation).
 */
final class WatchedLease {

    private static final Logger LOG = Logger.getLogger(WatchedLease.class);

    private final LeaseStore store;
    private final FencedLease fenced;
    private volatile LeaseSnapshot seen;
    private volatile AutoCloseable watchHandle;

    WatchedLease(LeaseStore store, String name) {
        this.store = store;
        this.fenced = new FencedLease(store, name);
    }

    String name() {
        return fenced.name();
    }

    /** The conditional writer of this Lease. */
    FencedLease fenced() {
        return fenced;
    }

    /** The newest version seen; null before any. */
    LeaseSnapshot seen() {
        return seen;
    }

    /**
     * Reads the Lease and starts watching it; {@code news} runs when the watch shows a version not seen before. On the
     * elector's thread, before its first round.
     */
    void start(Runnable news) {
        try {
            store.get(name()).ifPresent(this::saw);
        } catch (LeaseStoreException e) {
            LOG.debugf("Lease %s not read yet: %s", name(), e.getMessage());
        }
        try {
            watchHandle = store.watch(name(), new LeaseStore.LeaseWatcher() {
                @Override
                public void onChange(Optional<LeaseSnapshot> snapshot) {
                    if (snapshot.isPresent() && saw(snapshot.get())) {
                        news.run();
                    }
                }

                @Override
                public void onClose(LeaseStoreException cause) {
                    // The elector's own watch says the same and polls; this Lease is read again at each fence and
                    // write, and the last version seen is kept meanwhile.
                }
            });
        } catch (LeaseStoreException e) {
            LOG.debugf("Lease %s not watched: %s", name(), e.getMessage());
        }
    }

    void stop() {
        AutoCloseable h = watchHandle;
        if (h != null) {
            try {
                h.close();
            } catch (Exception e) {
                LOG.debugf("Lease %s: closing its watch: %s", name(), e.getMessage());
            }
        }
    }

    /** What the fenced writer last read or wrote, kept unless older; call after each fence or write. */
    void sawWriter() {
        fenced.lastSeen().ifPresent(this::saw);
    }

    /** Keeps {@code s} unless what is kept is newer; true when it is a version not seen before. */
    synchronized boolean saw(LeaseSnapshot s) {
        fenced.saw(s);
        LeaseSnapshot current = seen;
        if (current != null && s.olderThan(current)) {
            return false;
        }
        seen = s;
        return current == null || !s.resourceVersion().equals(current.resourceVersion());
    }
}
