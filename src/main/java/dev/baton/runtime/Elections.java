package dev.baton.runtime;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.baton.LeaderChanged;
import dev.baton.Leadership;
import dev.baton.LeadershipAcquired;
import dev.baton.LeadershipLost;
import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.clock.Ticker;
import dev.baton.config.BatonConfig;
import dev.baton.election.AnnotationDeferral;
import dev.baton.election.ElectionObserver;
import dev.baton.election.ElectionSettings;
import dev.baton.election.Shards;
import dev.baton.election.LeaderElector;
import dev.baton.election.PauseBeforeTaking;
import dev.baton.election.Safely;
import dev.baton.store.InMemoryLeaseStore;
import dev.baton.store.KubernetesLeaseStore;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;
import dev.baton.threads.DaemonThreads;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The application's elections: the service-wide Lease and any per-job Leases, all with the same timings and
 * identity. Validates configuration at start-up (failing boot with the key's name), chooses the store, starts the
 * electors, and bridges their callbacks to CDI events and to every {@link ElectionObserver} bean (metrics, health,
 * pod labels).
 * <p>
 * On shutdown the leader stops its work first, then releases the Lease: the job layer drains its runs and calls
 * {@link #stop()} as the first step of a graceful stop, before the rest of the shutdown. This class's own
 * {@code ShutdownEvent} observer ({@link #SHUTDOWN_PRIORITY}, late) only stops what is left, when nothing did.
 */
@Singleton
public class Elections {

    /** Priority of the shutdown observer; observers that must finish before the release use a lower value. */
    public static final int SHUTDOWN_PRIORITY = 10_000;

    private static final Logger LOG = Logger.getLogger(Elections.class);

    private final BatonConfig config;
    private final Instance<KubernetesClient> kubernetes;
    private final Instance<ElectionObserver> observers;
    private final Event<LeadershipAcquired> acquired;
    private final Event<LeadershipLost> lost;
    private final Event<LeaderChanged> changed;
    private final Map<String, LeaderElector> electors = new ConcurrentHashMap<>();
    private final ElectionSettings serviceSettings;
    private final String identity;
    private volatile LeaseStore store;
    private volatile boolean started;
    private volatile boolean stopping;
    /** How the service Lease's elector holds back from a take (the jobs' clock check, when there are jobs). */
    private volatile PauseBeforeTaking servicePause = PauseBeforeTaking.NONE;

    Elections(BatonConfig config, Instance<KubernetesClient> kubernetes, @Any Instance<ElectionObserver> observers,
            Event<LeadershipAcquired> acquired, Event<LeadershipLost> lost, Event<LeaderChanged> changed) {
        this.config = config;
        this.kubernetes = kubernetes;
        this.observers = observers;
        this.acquired = acquired;
        this.lost = lost;
        this.changed = changed;
        this.identity = config.identity().filter(s -> !s.isBlank()).orElseGet(Elections::defaultIdentity);
        // Validated here so a bad value fails the boot, naming its key, before anything runs.
        this.serviceSettings = new ElectionSettings(config.leaseName(), identity, config.leaseDuration(),
                config.renewDeadline(), config.retryPeriod());
        warnIfRequestTimeoutEatsTheDeadline();
        if (config.store() == BatonConfig.StoreKind.EMBEDDED && LaunchMode.current() == LaunchMode.NORMAL) {
            throw new IllegalStateException("Invalid configuration baton.store: 'embedded' elects every process "
                    + "alone and is refused in the prod profile; use 'kubernetes'");
        }
    }

    /**
     * One hung request may last the client's request timeout; if that plus a jittered retry period does not fit
     * in the renew deadline, a single slow answer costs the leader its term. Legal, but worth saying.
     */
    private void warnIfRequestTimeoutEatsTheDeadline() {
        if (config.store() != BatonConfig.StoreKind.KUBERNETES) {
            return;
        }
        Optional.of(dev.baton.config.ApiRequestTimeout.of(config))
                .filter(timeout -> timeout.plus(config.retryPeriod().multipliedBy(12).dividedBy(10))
                        .compareTo(config.renewDeadline()) > 0)
                .ifPresent(timeout -> LOG.warnf("baton.renew-deadline (%s) is shorter than the client's request timeout "
                        + "(%s) plus 1.2 x baton.retry-period (%s): one slow API answer can end a term; lower "
                        + "baton.api-request-timeout or raise the deadline", config.renewDeadline(),
                        timeout, config.retryPeriod()));
    }

    /**
     * Priority of the start-up observer: after the default-priority observers, so that the job manager has found
     * every job before any term begins (a new term looks for the jobs it must catch up).
     */
    static final int START_PRIORITY = Interceptor.Priority.LIBRARY_AFTER;

    void onStart(@Observes @Priority(START_PRIORITY) StartupEvent event) {
        if (!config.enabled()) {
            LOG.infof("Leader election is disabled (baton.enabled=false): %s never leads and runs no singleton job",
                    identity);
            return;
        }
        started = true;
        if (config.store() == BatonConfig.StoreKind.EMBEDDED) {
            startService();
            return;
        }
        // Creating the Kubernetes client loads much of the application (about 0.4 s of a cold start on 2 cores):
        // on its own thread, it and the first Lease request run while Quarkus finishes starting (the HTTP server),
        // instead of one after the other. A failure still stops the process, as it did when it failed the boot.
        DaemonThreads.named("baton-election-start").newThread(() -> {
            try {
                startService();
            } catch (RuntimeException e) {
                LOG.errorf(e, "Baton cannot start its election: %s", e.getMessage());
                Quarkus.asyncExit(1);
            }
        }).start();
    }

    private void startService() {
        LeaseStore s = store();
        if (s.embedded()) {
            LOG.infof("No cluster: Baton uses the EMBEDDED lease store (dev/test only); %s elects itself for lease %s",
                    identity, config.leaseName());
        } else {
            LOG.infof("Baton elects on %s, namespace %s, lease %s, as %s (lease %s, renew deadline %s, retry %s)",
                    s.describe(), s.namespace(), config.leaseName(), identity, config.leaseDuration(),
                    config.renewDeadline(), config.retryPeriod());
        }
        service();
    }

    void onStop(@Observes @Priority(SHUTDOWN_PRIORITY) ShutdownEvent event) {
        stop();
    }

    /**
     * Ends every term, releases the Leases this process holds (unless {@code baton.release-on-shutdown} is false) and
     * stops every elector, waiting up to the renew deadline; from then on no elector starts. Called once the work
     * that runs under the terms has stopped; the second and later calls do nothing.
     */
    public void stop() {
        started = false;
        // All at once: shutdown takes as long as the slowest Lease, not the sum of them.
        Map<LeaderElector, java.util.concurrent.CompletableFuture<Void>> closing = new java.util.LinkedHashMap<>();
        synchronized (electors) {
            if (stopping) {
                return;
            }
            stopping = true; // from here on forLease() starts nothing, so no elector escapes the close below
            electors.values().forEach(e -> closing.put(e, e.closeAsync(config.releaseOnShutdown())));
        }
        long deadline = System.nanoTime() + config.renewDeadline().toNanos();
        closing.forEach((e, done) -> e.awaitClosed(done, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
    }

    /**
     * Stops the electors of {@code leases} now, without releasing the Leases: standbys take them only when they
     * expire. For work that may still act under a term that has ended (a singleton run that ignored being stopped at
     * shutdown), which a release would let a standby overlap with at once. The shutdown that follows leaves them be.
     */
    public void closeWithoutRelease(Collection<LeaseRef> leases) {
        for (LeaseRef lease : leases) {
            existing(lease.name()).ifPresent(e -> e.close(false, Duration.ofSeconds(2)));
        }
    }

    /** The service-wide election. */
    @Produces
    @Singleton
    Leadership leadership() {
        return new ServiceLeadership();
    }

    /** The elector of the service-wide Lease, started on first use. */
    public LeaderElector service() {
        return forLease(config.leaseName(), servicePause);
    }

    /**
     * How the service Lease's elector holds back before a take: the jobs' runtime gives it, at start-up and before
     * the elector exists, so that a replica that cannot run the Lease's jobs lets another take it. Later calls are
     * ignored once the elector exists.
     */
    public void holdBackFromServiceLease(PauseBeforeTaking pause) {
        this.servicePause = pause;
    }

    /**
     * The elector of {@code leaseName}, created and started on first use, with the service's timings and identity.
     * Throws {@link ElectionSettings.InvalidSettingException} for a name that is not a valid Lease name.
     */
    public LeaderElector forLease(String leaseName) {
        return forLease(leaseName, PauseBeforeTaking.NONE);
    }

    /** As {@link #forLease(String)}, pausing before each take as {@code pauseBeforeTaking} says (LeaseSpreading). */
    public LeaderElector forLease(String leaseName, PauseBeforeTaking pauseBeforeTaking) {
        return forLease(leaseName, pauseBeforeTaking, AnnotationDeferral.NONE);
    }

    /** As {@link #forLease(String, PauseBeforeTaking)}; a shard's history Lease takes what {@code deferral} names. */
    public LeaderElector forLease(String leaseName, PauseBeforeTaking pauseBeforeTaking,
            AnnotationDeferral deferral) {
        LeaderElector existing = electors.get(leaseName);
        if (existing != null) {
            return existing;
        }
        synchronized (electors) {
            return electors.computeIfAbsent(leaseName, name -> {
                // A shard of spread jobs: slower timings, its jobs' records and histories on Leases of their own.
                OptionalInt shard = Shards.shardOf(config.leaseName(), name);
                ElectionSettings settings = shard.isPresent() ? Shards.settings(serviceSettings, name)
                        : new ElectionSettings(name, identity, serviceSettings.leaseDuration(),
                                serviceSettings.renewDeadline(), serviceSettings.retryPeriod());
                String service = config.leaseName();
                LeaderElector elector = new LeaderElector(store(), settings, new Bridge(), Ticker.SYSTEM,
                        pauseBeforeTaking, shard.isPresent() ? Shards.recordLease(service, shard.getAsInt()) : null,
                        shard.isPresent() ? Shards.historyLease(service, shard.getAsInt()) : null, deferral);
                if (config.enabled() && !stopping) {
                    elector.start();
                }
                return elector;
            });
        }
    }

    /** The elector of {@code leaseName} if one exists. Never creates or starts one, so it is cheap on hot paths. */
    public Optional<LeaderElector> existing(String leaseName) {
        return Optional.ofNullable(electors.get(leaseName));
    }

    /** True when {@code lease} (as named by events and terms) is the service-wide Lease. */
    public boolean isServiceLease(LeaseRef lease) {
        return lease.equals(serviceLease());
    }

    /** The service-wide Lease, named as the store will name it (also before its elector exists). */
    public LeaseRef serviceLease() {
        return new LeaseRef(store().namespace(), config.leaseName());
    }

    /** Every election started so far. */
    public Collection<LeaderElector> all() {
        return List.copyOf(electors.values());
    }

    /** True when leader election is configured on. */
    public boolean enabled() {
        return config.enabled();
    }

    public String identity() {
        return identity;
    }

    public ElectionSettings settings() {
        return serviceSettings;
    }

    /** The store in use; created on first call. */
    public LeaseStore store() {
        LeaseStore s = store;
        if (s == null) {
            synchronized (this) {
                if (store == null) {
                    store = createStore();
                }
                s = store;
            }
        }
        return s;
    }

    private LeaseStore createStore() {
        if (config.store() == BatonConfig.StoreKind.EMBEDDED) {
            return new InMemoryLeaseStore(config.namespace().orElse("default"));
        }
        KubernetesClient client = kubernetes.get();
        String namespace = config.namespace().filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(System.getenv("POD_NAMESPACE")).filter(s -> !s.isBlank()))
                .or(() -> Optional.ofNullable(client.getNamespace()))
                .orElse("default");
        return new KubernetesLeaseStore(client, namespace, "baton");
    }

    static String defaultIdentity() {
        String pod = System.getenv("POD_NAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "baton-" + ProcessHandle.current().pid();
        }
    }

    /** Fans the core's callbacks out to CDI events and to every {@link ElectionObserver} bean. */
    private final class Bridge implements ElectionObserver {

        private List<ElectionObserver> beans() {
            List<ElectionObserver> list = new ArrayList<>();
            for (ElectionObserver o : observers) {
                list.add(o);
            }
            return list;
        }

        @Override
        public void leadershipAcquired(Term term) {
            Safely.run(term.lease(), () -> acquired.fire(new LeadershipAcquired(term.lease(), term.holder(), term)));
            beans().forEach(o -> Safely.run(term.lease(), () -> o.leadershipAcquired(term)));
        }

        @Override
        public void leadershipLost(LeadershipLost event) {
            Safely.run(event.lease(), () -> lost.fire(event));
            beans().forEach(o -> Safely.run(event.lease(), () -> o.leadershipLost(event)));
        }

        @Override
        public void leaderChanged(LeaderChanged event) {
            Safely.run(event.lease(), () -> changed.fire(event));
            beans().forEach(o -> Safely.run(event.lease(), () -> o.leaderChanged(event)));
        }

        @Override
        public void attempted(LeaseRef lease, boolean asLeader, Duration latency, LeaseStoreException failure) {
            beans().forEach(o -> Safely.run(lease, () -> o.attempted(lease, asLeader, latency, failure)));
        }
    }

    /** The injectable view of the service-wide election; reads nothing until the elector exists. */
    private final class ServiceLeadership implements Leadership {

        private LeaderElector elector() {
            return started || !electors.isEmpty() ? electors.get(config.leaseName()) : null;
        }

        @Override
        public LeaseRef lease() {
            LeaderElector e = elector();
            // Before the elector exists (or with election disabled), name the Lease as the store will.
            return e != null ? e.lease() : serviceLease();
        }

        @Override
        public String identity() {
            return identity;
        }

        @Override
        public Optional<String> holder() {
            LeaderElector e = elector();
            return e == null ? Optional.empty() : e.holder();
        }

        @Override
        public Optional<Term> currentTerm() {
            LeaderElector e = elector();
            return e == null ? Optional.empty() : e.currentTerm();
        }
    }
}
