package dev.baton.election;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.baton.LeaseRef;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * Keeps an elector's Lease watched, so standbys learn of renewals, releases and deletions without polling. The store
 * decides how (the Kubernetes store shares one watch of the namespace's Baton Leases among all its electors).
 * Events are handed to the elector's thread. When the watch is forbidden (the seed's Role has no {@code watch} verb)
 * it says so once and leaves the elector polling; when the watch drops it polls and re-watches one lease duration
 * later; while the store says the watch does not deliver this Lease (one without Baton's label) it polls too.
 * Started and stopped on the elector's thread; {@link #isWatching()} is read anywhere.
 */
final class WatchSupervisor {

    private static final Logger LOG = Logger.getLogger(WatchSupervisor.class);

    private final LeaseStore store;
    private final ElectionSettings settings;
    private final LeaseRef lease;
    private final SerialExecutor loop;
    private final Consumer<Optional<LeaseSnapshot>> changed;
    private final Runnable pollNow;
    private final BooleanSupplier closed;
    private final AtomicReference<AutoCloseable> watch = new AtomicReference<>();
    private volatile boolean watching;
    private volatile boolean delivered = true;
    private boolean forbiddenReported;

    /**
     * @param loop the elector's thread, where events and the fall-back are handled
     * @param changed receives each change (empty: deleted)
     * @param pollNow runs a round now, after the watch ended, so polling starts from a fresh read
     * @param closed true once the elector closed: a late event or close is then ignored
     */
    WatchSupervisor(LeaseStore store, ElectionSettings settings, LeaseRef lease, SerialExecutor loop,
            Consumer<Optional<LeaseSnapshot>> changed, Runnable pollNow, BooleanSupplier closed) {
        this.store = store;
        this.settings = settings;
        this.lease = lease;
        this.loop = loop;
        this.changed = changed;
        this.pollNow = pollNow;
        this.closed = closed;
    }

    /** True while a watch delivers this Lease's changes; false when polling. */
    boolean isWatching() {
        return watching && delivered;
    }

    /** Opens the watch; on the elector's thread. */
    void start() {
        if (closed.getAsBoolean()) {
            return;
        }
        delivered = true; // a new watch delivers until the store says otherwise (it reads the Lease unlabelled)
        try {
            AutoCloseable opened = store.watch(settings.leaseName(), new LeaseStore.LeaseWatcher() {
                @Override
                public void onChange(Optional<LeaseSnapshot> snapshot) {
                    onLoop(() -> changed.accept(snapshot));
                }

                @Override
                public void onClose(LeaseStoreException cause) {
                    onLoop(() -> closed(cause));
                }

                @Override
                public void onDelivering(boolean now) {
                    // Set here, at once: a round in progress on the elector's thread then paces as a poller.
                    boolean was = delivered;
                    delivered = now;
                    if (was && !now) {
                        LOG.debugf("Lease %s: not selected by the shared watch (no label %s); polling every %s",
                                lease, LeaseStore.BATON_LABEL, settings.retryPeriod());
                        onLoop(pollNow);
                    }
                }
            });
            watching = true;
            watch.set(opened);
        } catch (LeaseStoreException e) {
            closed(e);
        }
    }

    /** Closes the watch; any thread. */
    void stop() {
        watching = false;
        AutoCloseable w = watch.getAndSet(null);
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                LOG.debugf(e, "Lease %s: closing the watch", lease);
            }
        }
    }

    private void closed(LeaseStoreException cause) {
        watching = false;
        if (closed.getAsBoolean()) {
            return;
        }
        if (cause != null && cause.kind() == LeaseStoreException.Kind.FORBIDDEN) {
            if (!forbiddenReported) {
                forbiddenReported = true;
                LOG.infof("Lease %s: watching is not permitted (%s); polling every %s instead", lease,
                        cause.getMessage(), settings.retryPeriod());
            }
        } else {
            LOG.infof("Lease %s: watch closed (%s); polling every %s and re-watching in %s", lease,
                    cause == null ? "no reason given" : cause.getMessage(), settings.retryPeriod(),
                    settings.leaseDuration());
            watch.set(null);
            loop.schedule(() -> {
                start();
                pollNow.run(); // a read now tells the new watch whether it delivers this Lease (its label)
            }, settings.leaseDuration().toMillis(), TimeUnit.MILLISECONDS);
        }
        pollNow.run();
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RuntimeException e) {
            // the elector stopped: nothing left to tell
        }
    }
}
