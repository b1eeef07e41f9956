package dev.baton.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.baton.store.LeaseStore.LeaseWatcher;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * One watch for all the Leases a {@link KubernetesLeaseStore}'s electors compete for: a fabric8 informer (list, then
 * watch, reconnecting and re-listing on its own) of the namespace's Leases that carry {@link LeaseStore#BATON_LABEL},
 * dispatching each change by name to the watchers of that Lease. Open while at least one watcher is registered.
 * <p>
 * Where the collection's {@code list} or {@code watch} is forbidden (a Role granting leases by name only), it says so
 * once and watches each Lease by name instead, as before there was a shared watch; where that is forbidden too, the
 * caller polls. A Lease without the label (created by someone else) is not selected: its watchers are told so
 * ({@link LeaseWatcher#onDelivering}) when the store reads or writes it unlabelled, and told again when the watch
 * delivers it (a Baton leader's next write labels it).
 */
final class SharedLeaseWatch {

    private static final Logger LOG = Logger.getLogger(SharedLeaseWatch.class);

    /** How long the first list and watch may take, when the client sets no request timeout. */
    private static final long DEFAULT_START_MILLIS = 30_000;

    /** A watcher of one Lease, and whether the shared watch delivers that Lease. */
    private static final class Registration {
        final String name;
        final LeaseWatcher watcher;
        private boolean delivering = true;

        Registration(String name, LeaseWatcher watcher) {
            this.name = name;
            this.watcher = watcher;
        }

        void delivering(boolean now) {
            synchronized (this) {
                if (delivering == now) {
                    return;
                }
                delivering = now;
            }
            watcher.onDelivering(now);
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Function<Lease, LeaseSnapshot> snapshot;
    private final Translator translate;
    private final Map<String, List<Registration>> byName = new ConcurrentHashMap<>();
    private final AtomicInteger perLeaseWatches = new AtomicInteger();
    private SharedIndexInformer<Lease> informer; // guarded by this
    private boolean listAllowed; // guarded by this
    private volatile boolean perLease; // collection list/watch forbidden: one watch per Lease, by name

    /** Maps a client failure to a {@link LeaseStoreException} naming the verb. */
    interface Translator {
        LeaseStoreException translate(String verb, String name, KubernetesClientException e);
    }

    SharedLeaseWatch(KubernetesClient client, String namespace, Function<Lease, LeaseSnapshot> snapshot,
            Translator translate) {
        this.client = client;
        this.namespace = namespace;
        this.snapshot = snapshot;
        this.translate = translate;
    }

    /** Watches {@code name}: through the shared watch, or by name where listing Leases is forbidden. */
    AutoCloseable watch(String name, LeaseWatcher watcher) {
        if (!perLease) {
            synchronized (this) {
                if (!perLease) {
                    try {
                        ensureInformer();
                        Registration r = new Registration(name, watcher);
                        byName.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(r);
                        return () -> unregister(r);
                    } catch (LeaseStoreException e) {
                        if (e.kind() != LeaseStoreException.Kind.FORBIDDEN) {
                            throw e;
                        }
                        perLease = true;
                        LOG.infof("Leases in namespace %s: one shared watch is not permitted (%s); watching each "
                                + "Lease by name instead (one watch per Lease; grant 'list' and 'watch' on leases to "
                                + "share one)", namespace, e.getMessage());
                    }
                }
            }
        }
        return watchByName(name, watcher);
    }

    /** The store read or wrote {@code lease}: tell its watchers when the shared watch does not select it. */
    void seen(Lease lease) {
        if (perLease || lease.getMetadata() == null) {
            return;
        }
        List<Registration> registrations = byName.get(lease.getMetadata().getName());
        if (registrations != null && !labelled(lease)) {
            registrations.forEach(r -> r.delivering(false));
        }
    }

    /** Open watch connections: the shared one (0 or 1) plus those by name. */
    int openWatches() {
        int shared;
        synchronized (this) {
            shared = informer != null && informer.isWatching() ? 1 : 0;
        }
        return shared + perLeaseWatches.get();
    }

    static boolean labelled(Lease lease) {
        Map<String, String> labels = lease.getMetadata().getLabels();
        return labels != null && LeaseStore.BATON_LABEL_VALUE.equals(labels.get(LeaseStore.BATON_LABEL));
    }

    // ---------------------------------------------------------------- the shared watch

    private void ensureInformer() {
        if (informer != null) {
            return;
        }
        if (!listAllowed) {
            // One small list first: where RBAC forbids it, fall back quietly (the informer would log an ERROR).
            try {
                client.leases().inNamespace(namespace).withLabel(LeaseStore.BATON_LABEL, LeaseStore.BATON_LABEL_VALUE)
                        .list(new ListOptionsBuilder().withLimit(1L).build());
                listAllowed = true;
            } catch (KubernetesClientException e) {
                throw translate.translate("list", "*", e);
            }
        }
        SharedIndexInformer<Lease> started = client.leases().inNamespace(namespace)
                .withLabel(LeaseStore.BATON_LABEL, LeaseStore.BATON_LABEL_VALUE).runnableInformer(0);
        started.removeNamespaceIndex(); // one namespace: the index would only cost a write per event
        started.addEventHandler(new Dispatch());
        // Retry (fabric8 backs off) except when not allowed: then stop, and the watchers fall back as on a failed start.
        started.exceptionHandler((isStarted, t) -> isStarted && !(code(t) == 401 || code(t) == 403));
        try {
            started.start().toCompletableFuture().get(startTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            started.stop();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw translate.translate("list, watch", "*", cause instanceof KubernetesClientException k ? k
                    : new KubernetesClientException("shared watch did not start: " + cause, cause));
        } catch (InterruptedException e) {
            started.stop();
            Thread.currentThread().interrupt();
            throw new LeaseStoreException(LeaseStoreException.Kind.OTHER, 0, "interrupted starting the watch", e);
        }
        informer = started;
        started.stopped().whenComplete((v, t) -> stoppedByItself(started, t));
        LOG.debugf("Leases in namespace %s: one shared watch of label %s=%s", namespace, LeaseStore.BATON_LABEL,
                LeaseStore.BATON_LABEL_VALUE);
    }

    private void unregister(Registration r) {
        SharedIndexInformer<Lease> stopping = null;
        synchronized (this) {
            List<Registration> list = byName.get(r.name);
            if (list == null || !list.remove(r)) {
                return;
            }
            if (list.isEmpty()) {
                byName.remove(r.name, list);
            }
            if (byName.isEmpty() && informer != null) {
                stopping = informer;
                informer = null; // set before stop(), so stoppedByItself ignores it
            }
        }
        if (stopping != null) {
            stopping.stop();
        }
    }

    /** The informer gave up (e.g. its watch became forbidden): every watcher falls back and re-watches later. */
    private void stoppedByItself(SharedIndexInformer<Lease> stopped, Throwable cause) {
        List<Registration> dropped;
        synchronized (this) {
            if (informer != stopped) {
                return; // stopped by us
            }
            informer = null;
            dropped = byName.values().stream().flatMap(List::stream).toList();
            byName.clear();
        }
        KubernetesClientException k = cause instanceof KubernetesClientException e ? e
                : new KubernetesClientException("shared watch stopped" + (cause == null ? "" : ": " + cause), cause);
        LeaseStoreException failure = translate.translate("list, watch", "*", k);
        dropped.forEach(r -> r.watcher.onClose(failure));
    }

    private long startTimeoutMillis() {
        var config = client.getConfiguration();
        long bound = (long) Math.max(0, config.getRequestTimeout()) + Math.max(0, config.getConnectionTimeout());
        return bound > 0 ? bound : DEFAULT_START_MILLIS;
    }

    private static int code(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getCode() != 0) {
                return k.getCode();
            }
        }
        return 0;
    }

    /** The informer's events (one at a time, on the client's threads), to each watcher of that Lease. */
    private final class Dispatch implements ResourceEventHandler<Lease> {

        @Override
        public void onAdd(Lease lease) {
            changed(lease);
        }

        @Override
        public void onUpdate(Lease before, Lease after) {
            changed(after);
        }

        @Override
        public void onDelete(Lease lease, boolean finalStateUnknown) {
            // Also when the label was removed (the API server reports the Lease leaving the selection as deleted);
            // the elector then reads it, which tells it the Lease is no longer delivered.
            List<Registration> registrations = byName.get(lease.getMetadata().getName());
            if (registrations != null) {
                registrations.forEach(r -> r.watcher.onChange(Optional.empty()));
            }
        }

        private void changed(Lease lease) {
            List<Registration> registrations = byName.get(lease.getMetadata().getName());
            if (registrations == null) {
                return; // another application's Lease, or one nobody here competes for
            }
            LeaseSnapshot s = snapshot.apply(lease);
            for (Registration r : registrations) {
                r.delivering(true);
                r.watcher.onChange(Optional.of(s));
            }
        }
    }

    // ---------------------------------------------------------------- one watch per Lease (list forbidden)

    private AutoCloseable watchByName(String name, LeaseWatcher watcher) {
        AtomicBoolean open = new AtomicBoolean(true);
        try {
            var watch = client.leases().inNamespace(namespace).withName(name).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Lease lease) {
                    switch (action) {
                        case ADDED, MODIFIED -> watcher.onChange(Optional.of(snapshot.apply(lease)));
                        case DELETED -> watcher.onChange(Optional.empty());
                        default -> LOG.debugf("Lease %s/%s: watch event %s ignored", namespace, name, action);
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                    if (open.getAndSet(false)) {
                        perLeaseWatches.decrementAndGet();
                    }
                    watcher.onClose(translate.translate("watch", name, cause.asClientException()));
                }
            });
            perLeaseWatches.incrementAndGet();
            return () -> {
                if (open.getAndSet(false)) {
                    perLeaseWatches.decrementAndGet();
                }
                watch.close();
            };
        } catch (KubernetesClientException e) {
            throw translate.translate("watch", name, e);
        }
    }
}
