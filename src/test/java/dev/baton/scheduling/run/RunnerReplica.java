package dev.baton.scheduling.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.clock.ClusterClock;
import dev.baton.clock.TestClock;
import dev.baton.clock.Ticker;
import dev.baton.election.AnnotationDeferral;
import dev.baton.election.ElectionObserver;
import dev.baton.election.ElectionSettings;
import dev.baton.election.LeaderElector;
import dev.baton.election.LeaseSpreading;
import dev.baton.election.PauseBeforeTaking;
import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.SingletonRun;
import dev.baton.scheduling.gate.ClockSkew;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.gate.ServiceLeaseHandover;
import dev.baton.clock.Ticker;
import dev.baton.store.ForwardingLeaseStore;
import dev.baton.store.KubernetesLeaseStore;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * One replica of the service logic without CDI: its own API client, electors and {@link JobRunner}, as a
 * separate process would have. Jobs append "slot@replica" to a shared list when they run. It may have a wall clock
 * of its own, measured against the API server's {@code Date} headers by a {@link ClusterClock} on its client, as
 * the application's is; and the test can make it stand aside, so that leadership goes where the test wants.
 */
public final class RunnerReplica implements AutoCloseable {

    // Short enough for fast tests, long enough that a cold JVM on a busy machine keeps its first term.
    static final Duration LEASE = Duration.ofSeconds(4);
    static final Duration DEADLINE = Duration.ofMillis(2500);
    static final Duration RETRY = Duration.ofMillis(500);

    /** A job's body, given the replica's name and its run. */
    interface Body {
        Object run(String replica, SingletonRun run) throws Exception;
    }

    public final String name;
    /** This replica's wall clock. */
    final Clock clock;
    final KubernetesClient client;
    final LeaseStore store;
    final JobRunner runner;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Map<String, LeaderElector> electors = new ConcurrentHashMap<>();
    final Map<String, Body> bodies = new ConcurrentHashMap<>();
    final Queue<Term> termsStarted = new ConcurrentLinkedQueue<>();
    /** Null unless measured: this replica's offset from the API server's clock. */
    final ClusterClock clusterClock;
    /** Job Leases: electors guarded by the runner's {@link ClockSkew}, as {@code JobManager} builds them. */
    final Set<String> jobLeases = ConcurrentHashMap.newKeySet();
    /** Service Leases: electors that hand the Lease over while the clock is off, as {@code JobManager} builds it. */
    final Map<String, ServiceLeaseHandover> serviceLeases = new ConcurrentHashMap<>();
    /** Every Lease update this replica sent (one PUT each), in order: what write-count tests classify. */
    public final List<Sent> sent = new CopyOnWriteArrayList<>();

    /** One update sent: the Lease it was conditional on, and what it wrote. */
    public record Sent(String lease, LeaseRecord previous, LeaseRecord written) {

        /** A renewal (or the release) moves {@code renewTime}; a write of annotations alone does not. */
        public boolean renewal() {
            return !java.util.Objects.equals(previous.renewTime(), written.renewTime());
        }

        boolean release() {
            return written.holderIdentity() == null;
        }
    }

    /** While true this replica takes no Lease (it keeps and renews those it holds). */
    final AtomicBoolean standAside = new AtomicBoolean();

    RunnerReplica(String name, KubernetesClient admin, String namespace, TestClock clock, int maxRecords) {
        this(name, admin, namespace, clock, null, maxRecords, RunnerSettings.DEFAULT_HISTORY);
    }

    RunnerReplica(String name, KubernetesClient admin, String namespace, TestClock clock, int maxRecords, int history) {
        this(name, admin, namespace, clock, null, maxRecords, history);
    }

    /**
     * @param clock this replica's wall clock (slots, records)
     * @param clusterClock measures {@code clock} against the server's {@code Date} headers when not null, and the
     *        runner refuses slots when it is off, as in the application
     */
    RunnerReplica(String name, KubernetesClient admin, String namespace, Clock clock, ClusterClock clusterClock,
            int maxRecords) {
        this(name, admin, namespace, clock, clusterClock, maxRecords, RunnerSettings.DEFAULT_HISTORY);
    }

    RunnerReplica(String name, KubernetesClient admin, String namespace, Clock clock, ClusterClock clusterClock,
            int maxRecords, int history) {
        this.name = name;
        this.clock = clock;
        this.clusterClock = clusterClock;
        KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(admin.getConfiguration());
        if (clusterClock != null) {
            builder.withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("baton-cluster-clock",
                    clusterClock.interceptor()));
        }
        this.client = builder.build();
        this.store = new ForwardingLeaseStore(new KubernetesLeaseStore(client, namespace, "baton-test")) {
            @Override
            public Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record) {
                sent.add(new Sent(previous.name(), previous.record(), record));
                return super.update(previous, record);
            }
        };
        this.runner = new JobRunner(RunnerSettings.of(name, electors::get).withClock(clock).withMeters(meters)
                .withMaxRecords(maxRecords).withHistory(history)
                .withClusterClock(clusterClock != null ? clusterClock : ClusterClock.noCluster()));
    }

    /** Starts competing for {@code lease}. */
    LeaderElector elect(String lease) {
        return elect(lease, PauseBeforeTaking.NONE);
    }

    /** Starts competing for {@code lease} as a job Lease, paced by how many job Leases this replica holds. */
    LeaderElector electSpreading(String lease, Duration step) {
        return elect(lease, LeaseSpreading.pausePerLeaseHeld(
                () -> (int) electors.values().stream().filter(LeaderElector::isLeader).count(), step));
    }

    /**
     * Starts competing for {@code lease} as a job Lease as {@code JobManager} and {@code ClockSkewReleases} do: not
     * taken while this replica's clock is off, released when it turns off.
     */
    LeaderElector electJobLease(String lease) {
        jobLeases.add(lease);
        return elect(lease, runner.clockSkew().guarding(PauseBeforeTaking.NONE));
    }

    /** Starts competing for {@code lease} with {@code settings} instead of the tests' short ones (benchmarks). */
    /**
     * Starts competing for {@code lease} as the service Lease with jobs, as {@code JobManager} and
     * {@code ClockSkewReleases} do: held back from and handed over while the clock is off, for at most a lease
     * duration.
     */
    LeaderElector electServiceLease(String lease) {
        ServiceLeaseHandover handover = new ServiceLeaseHandover(runner.clockSkew(), () -> true, LEASE,
                System::nanoTime);
        serviceLeases.put(lease, handover);
        return elect(lease, handover.pause());
    }

    public LeaderElector elect(ElectionSettings settings) {
        return elect(settings.leaseName(), PauseBeforeTaking.NONE, settings);
    }

    /** Starts competing for a shard Lease of spread jobs, whose records go to {@code records} (issue 19). */
    LeaderElector electShard(String shard, String records) {
        return electShard(shard, records, null, AnnotationDeferral.NONE);
    }

    /**
     * As {@link #electShard(String, String)}, the histories going to {@code histories} as {@code deferral} says (the
     * application's: see {@code JobLeases}).
     */
    LeaderElector electShard(String shard, String records, String histories, AnnotationDeferral deferral) {
        return elect(shard, PauseBeforeTaking.NONE, new ElectionSettings(shard, name, LEASE, DEADLINE, RETRY),
                records, histories, deferral);
    }

    private LeaderElector elect(String lease, PauseBeforeTaking pause) {
        return elect(lease, pause, new ElectionSettings(lease, name, LEASE, DEADLINE, RETRY));
    }

    private LeaderElector elect(String lease, PauseBeforeTaking pause, ElectionSettings settings) {
        return elect(lease, pause, settings, null, null, AnnotationDeferral.NONE);
    }

    private LeaderElector elect(String lease, PauseBeforeTaking pause, ElectionSettings settings, String records,
            String histories, AnnotationDeferral deferral) {
        PauseBeforeTaking unlessStandingAside = new PauseBeforeTaking() {
            @Override
            public Duration beforeTaking() {
                return pause.beforeTaking();
            }

            @Override
            public boolean mayTake() {
                return !standAside.get() && pause.mayTake();
            }
        };
        LeaderElector elector = new LeaderElector(store, settings,
                new ElectionObserver() {
                    @Override
                    public void leadershipAcquired(Term term) {
                        termsStarted.add(term);
                        runner.termStarted(term);
                        afterRound(lease);
                    }

                    @Override
                    public void attempted(LeaseRef ref, boolean asLeader, Duration latency,
                            LeaseStoreException failure) {
                        afterRound(lease);
                    }
                }, Ticker.SYSTEM, unlessStandingAside, records, histories, deferral);
        electors.put(lease, elector);
        elector.start();
        return elector;
    }

    private void afterRound(String lease) {
        LeaderElector elector = electors.get(lease);
        if (elector != null && jobLeases.contains(lease)) {
            runner.clockSkew().afterRound(elector);
        } else if (elector != null && serviceLeases.containsKey(lease)) {
            serviceLeases.get(lease).afterRound(elector);
        }
    }

    public boolean leads(String lease) {
        LeaderElector e = electors.get(lease);
        return e != null && e.isLeader();
    }

    /**
     * The application's shutdown as {@code JobManager} does it: drains the runs, then closes the electors of runs
     * that ignored being stopped without releasing their Leases (what {@code Elections.closeWithoutRelease} does).
     */
    void drain(Duration timeout) {
        for (LeaseRef lease : runner.drain(timeout)) {
            electors.get(lease.name()).close(false, Duration.ofSeconds(2));
        }
    }

    /**
     * Registers a job whose catch-up and requested runs go through the runner, as the CDI interceptor's do (the
     * runner knows which it is from the fire it left pending on the thread).
     */
    public void register(JobSpec spec, List<String> ran, Body body) {
        if (body != null) {
            bodies.put(spec.id(), body);
        }
        runner.register(spec, slot -> {
            try {
                return runner.run(spec, slot, true, void.class, () -> invoke(spec, slot, ran));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** What this replica's Quarkus scheduler does when the job's trigger fires for {@code slot}. */
    public Object fire(JobSpec spec, Instant slot, List<String> ran) throws Exception {
        return runner.run(spec, slot, false, Object.class, () -> invoke(spec, slot, ran));
    }

    private Object invoke(JobSpec spec, Instant slot, List<String> ran) throws Exception {
        SingletonRun run = SingletonRun.current().orElseThrow();
        Run r = (Run) run;
        ran.add(slot + "@" + name + (run.trigger() == RunTrigger.CATCH_UP ? " (catch-up)" : "")
                + (run.trigger() == RunTrigger.MANUAL ? " (request " + r.request + ")" : ""));
        Body body = bodies.get(spec.id());
        return body == null ? null : body.run(name, run);
    }

    double count(String meter, String tag, String value) {
        var c = meters.find(meter).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        runner.close();
        electors.values().forEach(e -> e.close(true, DEADLINE));
        client.close();
    }

    /** Stops without releasing, as a crashed process would leave its Lease. */
    void crash() {
        electors.values().forEach(e -> e.close(false, DEADLINE));
        runner.close(); // after the electors: a crashed process writes nothing more
        client.close();
    }
}
