package dev.baton.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.baton.threads.DaemonThreads;

/**
 * An in-process Lease store with the API server's concurrency rules (a resourceVersion counter, conditional
 * create and update, watches delivered asynchronously), for {@code quarkus:dev} without a cluster and for tests.
 * <p>
 * Each JVM has its own: it can elect among electors of one process only, so it never stands in for the Kubernetes
 * API in the prod profile.
 */
public final class InMemoryLeaseStore implements LeaseStore {

    private final String namespace;
    private final Map<String, LeaseSnapshot> leases = new HashMap<>();
    private final Map<String, List<LeaseWatcher>> watchers = new HashMap<>();
    // One thread delivers all events in order, as one watch connection would; never the writer's thread.
    private final ExecutorService delivery =
            Executors.newSingleThreadExecutor(DaemonThreads.named("baton-embedded-watch"));
    private long version;

    public InMemoryLeaseStore(String namespace) {
        this.namespace = namespace;
    }

    @Override
    public synchronized Optional<LeaseSnapshot> get(String name) {
        return Optional.ofNullable(leases.get(name));
    }

    @Override
    public synchronized Optional<LeaseSnapshot> create(String name, LeaseRecord record) {
        if (leases.containsKey(name)) {
            return Optional.empty();
        }
        return Optional.of(write(name, record));
    }

    @Override
    public synchronized Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record) {
        LeaseSnapshot current = leases.get(previous.name());
        if (current == null || !current.resourceVersion().equals(previous.resourceVersion())) {
            return Optional.empty();
        }
        if (current.record().equals(record)) {
            return Optional.of(current); // like the API server, a write that changes nothing keeps the version
        }
        return Optional.of(write(previous.name(), record));
    }

    /** Deletes the Lease, as {@code kubectl delete lease} would (for tests and operators of the dev mode). */
    public synchronized void delete(String name) {
        if (leases.remove(name) != null) {
            version++;
            notify(name, Optional.empty());
        }
    }

    /** Writes the Lease unconditionally, as a foreign tool or a hand edit would. */
    public synchronized LeaseSnapshot overwrite(String name, LeaseRecord record) {
        return write(name, record);
    }

    @Override
    public synchronized AutoCloseable watch(String name, LeaseWatcher watcher) {
        watchers.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(watcher);
        return () -> {
            synchronized (InMemoryLeaseStore.this) {
                watchers.getOrDefault(name, List.of()).remove(watcher);
            }
        };
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String describe() {
        return "embedded in-process lease store (no cluster; elects this process only)";
    }

    @Override
    public boolean embedded() {
        return true;
    }

    private LeaseSnapshot write(String name, LeaseRecord record) {
        LeaseSnapshot snapshot = new LeaseSnapshot(name, Long.toString(++version), record, null);
        leases.put(name, snapshot);
        notify(name, Optional.of(snapshot));
        return snapshot;
    }

    private void notify(String name, Optional<LeaseSnapshot> change) {
        for (LeaseWatcher watcher : watchers.getOrDefault(name, List.of())) {
            delivery.execute(() -> watcher.onChange(change));
        }
    }
}
