package dev.baton.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.election.ElectionObserver;
import dev.baton.election.ElectionSettings;
import dev.baton.election.LeaderElector;
import dev.baton.election.LeaseSpreading;
import dev.baton.election.PauseBeforeTaking;
import dev.baton.election.Ticker;
import dev.baton.store.KubernetesLeaseStore;
import dev.baton.store.LeaseStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * One replica of the service logic without CDI: its own API client, electors and {@link JobRunner}, as a
 * separate process would have. Jobs append "slot@replica" to a shared list when they run.
 */
final class Replica implements AutoCloseable {

    // Short enough for fast tests, long enough that a cold JVM on a busy machine keeps its first term.
    static final Duration LEASE = Duration.ofSeconds(4);
    static final Duration DEADLINE = Duration.ofMillis(2500);
    static final Duration RETRY = Duration.ofMillis(500);

    /** A job's body, given the replica's name and its run. */
    interface Body {
        Object run(String replica, SingletonRun run) throws Exception;
    }

    final String name;
    final KubernetesClient client;
    final LeaseStore store;
    final JobRunner runner;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Map<String, LeaderElector> electors = new ConcurrentHashMap<>();
    final Map<String, Body> bodies = new ConcurrentHashMap<>();
    final Queue<Term> termsStarted = new ConcurrentLinkedQueue<>();

    Replica(String name, KubernetesClient admin, String namespace, MutableClock clock, int maxRecords) {
        this(name, admin, namespace, clock, maxRecords, JobRunner.DEFAULT_HISTORY);
    }

    Replica(String name, KubernetesClient admin, String namespace, MutableClock clock, int maxRecords, int history) {
        this.name = name;
        this.client = new KubernetesClientBuilder().withConfig(admin.getConfiguration()).build();
        this.store = new KubernetesLeaseStore(client, namespace, "baton-test");
        this.runner = new JobRunner(name, electors::get, clock, meters, false, maxRecords, history,
                Duration.ofSeconds(5));
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

    private LeaderElector elect(String lease, PauseBeforeTaking pause) {
        LeaderElector elector = new LeaderElector(store, new ElectionSettings(lease, name, LEASE, DEADLINE, RETRY),
                new ElectionObserver() {
                    @Override
                    public void leadershipAcquired(Term term) {
                        termsStarted.add(term);
                        runner.termStarted(term);
                    }
                }, Ticker.SYSTEM, pause);
        electors.put(lease, elector);
        elector.start();
        return elector;
    }

    boolean leads(String lease) {
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
    void register(JobSpec spec, List<String> ran, Body body) {
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
    Object fire(JobSpec spec, Instant slot, List<String> ran) throws Exception {
        return runner.run(spec, slot, false, Object.class, () -> invoke(spec, slot, ran));
    }

    private Object invoke(JobSpec spec, Instant slot, List<String> ran) throws Exception {
        SingletonRun run = SingletonRun.current().orElseThrow();
        Run r = (Run) run;
        ran.add(slot + "@" + name + (run.catchUp() ? " (catch-up)" : "")
                + (r.trigger == RunTrigger.MANUAL ? " (request " + r.request + ")" : ""));
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
