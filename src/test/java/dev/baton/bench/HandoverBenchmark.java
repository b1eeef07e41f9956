package dev.baton.bench;

import java.net.InetAddress;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.baton.Term;
import dev.baton.clock.Ticker;
import dev.baton.election.ElectionObserver;
import dev.baton.election.ElectionSettings;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.records.CronSlots;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.run.JobRunner;
import dev.baton.scheduling.run.RunnerSettings;
import dev.baton.store.InMemoryLeaseStore;
import dev.baton.store.KubernetesLeaseStore;
import dev.baton.store.LeaseStore;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Not a test (no assertion on time; not run by the build, whose includes are *Test): prints how long a singleton
 * job waits after a graceful handover, with the production timings (15 s / 10 s / 2 s). Two replicas hand the
 * Lease back and forth with {@code releaseNow()}; for each handover it measures, from the moment the old leader's
 * release is sent:
 * <ul>
 * <li><b>gate open</b>: until the new leader's gate lets a run through (polled every 0.5 ms; a Quarkus trigger then
 * runs at its next fire);</li>
 * <li><b>catch-up run</b>: until the new leader starts the run of a missed cron slot, which needs no trigger (term
 * start event, record read, "started" record written).</li>
 * </ul>
 * Run: {@code ./mvnw -B -q test -Dtest=HandoverBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class HandoverBenchmark {

    static final int HANDOVERS = 15;

    @Test
    void embeddedStore() throws Exception {
        InMemoryLeaseStore shared = new InMemoryLeaseStore("bench");
        measure("embedded store", () -> shared);
    }

    @Test
    void kubernetesTestServer() throws Exception {
        KubernetesServer server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
        try {
            measure("Kubernetes test API server (CRUD, HTTP on 127.0.0.1)", () -> new KubernetesLeaseStore(
                    new KubernetesClientBuilder().withConfig(server.getClient().getConfiguration()).build(), "bench",
                    "baton-bench"));
        } finally {
            server.after();
        }
    }

    void measure(String storeName, Supplier<LeaseStore> stores) throws Exception {
        String lease = "bench-" + System.nanoTime();
        JobSpec job = new JobSpec("bench", lease, CatchUp.RUN_LATEST, Optional.of(Duration.ofMinutes(1)),
                "cron * * * * * ?", Optional.of(new CronSlots("* * * * * ?", "quartz", ZoneOffset.UTC)));
        Map<String, AtomicLong> catchUpStarted = new ConcurrentHashMap<>();
        List<LeaderElector> electors = new ArrayList<>();
        List<JobRunner> runners = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            Map<String, LeaderElector> mine = new ConcurrentHashMap<>();
            JobRunner runner = new JobRunner(RunnerSettings.of(name, mine::get));
            AtomicLong started = new AtomicLong();
            catchUpStarted.put(name, started);
            runner.register(job, slot -> {
                try {
                    return runner.run(job, slot, true, void.class, () -> {
                        started.compareAndSet(0, System.nanoTime());
                        return null;
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            LeaderElector elector = new LeaderElector(stores.get(), new ElectionSettings(lease, name,
                    Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)), new ElectionObserver() {
                        @Override
                        public void leadershipAcquired(Term term) {
                            runner.termStarted(term);
                        }
                    }, Ticker.SYSTEM);
            mine.put(lease, elector);
            electors.add(elector);
            runners.add(runner);
        }
        electors.forEach(LeaderElector::start);
        // The first leader runs one slot, so there is a record to catch up from.
        int leader = awaitLeader(electors);
        runners.get(leader).run(job, new CronSlots("* * * * * ?", "quartz", ZoneOffset.UTC)
                .latestAtOrBefore(java.time.Instant.now()).orElseThrow(), false, void.class, () -> null);

        List<Double> gate = new ArrayList<>();
        List<Double> catchUp = new ArrayList<>();
        for (int i = 0; i < HANDOVERS; i++) {
            Thread.sleep(1100); // so that a new slot (one per second) is missed at each handover
            int old = awaitLeader(electors);
            int next = 1 - old;
            AtomicLong started = catchUpStarted.get(next == 0 ? "a" : "b");
            started.set(0);
            long t0 = System.nanoTime();
            electors.get(old).releaseNow();
            while (runners.get(next).skipReason(job).isPresent()) {
                Thread.onSpinWait();
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(30)) {
                    throw new AssertionError("no handover within 30 s");
                }
                TimeUnit.MICROSECONDS.sleep(500);
            }
            gate.add((System.nanoTime() - t0) / 1e6);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (started.get() == 0 && System.nanoTime() < deadline) {
                TimeUnit.MICROSECONDS.sleep(500);
            }
            catchUp.add(started.get() == 0 ? Double.NaN : (started.get() - t0) / 1e6);
        }
        electors.forEach(e -> e.close(true, Duration.ofSeconds(5)));
        System.out.printf("%nHANDOVER %s, %d handovers (ms from release sent):%n  gate open:    %s%n"
                + "  catch-up run: %s%n%n", storeName, HANDOVERS, summary(gate), summary(catchUp));
    }

    static int awaitLeader(List<LeaderElector> electors) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < electors.size(); i++) {
                if (electors.get(i).isLeader()) {
                    return i;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no leader");
    }

    static String summary(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format("median %.1f, p90 %.1f, min %.1f, max %.1f", sorted.get(sorted.size() / 2),
                sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1), sorted.get(0), sorted.get(sorted.size() - 1));
    }
}
