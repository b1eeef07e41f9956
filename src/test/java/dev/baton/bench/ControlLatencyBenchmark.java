package dev.baton.bench;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.baton.clock.Ticker;
import dev.baton.election.ElectionSettings;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.run.JobRunner;
import dev.baton.scheduling.run.RunnerSettings;
import dev.baton.store.InMemoryLeaseStore;
import dev.baton.store.KubernetesLeaseStore;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.ScriptedStore;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Not a test (no assertion on time; not run by the build, whose includes are *Test): prints how long the operators'
 * controls take to act on the holder, with the production timings (15 s / 10 s / 2 s), two replicas, and the
 * operator editing the Lease through its own client as {@code kubectl annotate} does (a read, then a write). From just
 * before the operator's read is sent:
 * <ul>
 * <li><b>suspend</b>: until the holder's gate says {@code suspended} (its next fire is skipped; polled every
 * 0.5 ms), and <b>resume</b> until it no longer does;</li>
 * <li><b>run request</b>: until the requested run's method begins on the holder (the token claimed in the Lease
 * first).</li>
 * </ul>
 * Each on the Kubernetes test API server with a watch, the same where watching is forbidden (the holder sees the
 * change at its next renewal), and the embedded store.
 * Run: {@code ./mvnw -B -q test -Dtest=ControlLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class ControlLatencyBenchmark {

    static final int SAMPLES = 15;

    @Test
    void kubernetesTestServer() throws Exception {
        KubernetesServer server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
        try {
            LeaseStore operator = store(server);
            measure("Kubernetes test API server (CRUD, HTTP on 127.0.0.1), watching", () -> store(server), operator,
                    Duration.ofMillis(100));
            // The holder sees a change at its next renewal: the pause before each sample is drawn at random over a
            // renewal period, or every sample would fall at the same point of the renewal rhythm.
            measure("Kubernetes test API server, watch forbidden (seen at the next renewal)",
                    () -> new ScriptedStore(store(server)).forbidWatch(), operator, Duration.ofMillis(2400));
        } finally {
            server.after();
        }
    }

    @Test
    void embeddedStore() throws Exception {
        InMemoryLeaseStore shared = new InMemoryLeaseStore("bench");
        measure("embedded store", () -> shared, shared, Duration.ofMillis(100));
    }

    static LeaseStore store(KubernetesServer server) {
        return new KubernetesLeaseStore(new KubernetesClientBuilder()
                .withConfig(server.getClient().getConfiguration()).build(), "bench", "baton-bench");
    }

    interface Stores {
        LeaseStore next();
    }

    /** @param pause the longest pause before each sample; drawn at random up to it */
    void measure(String storeName, Stores stores, LeaseStore operator, Duration pause) throws Exception {
        String lease = "controls-" + System.nanoTime();
        JobSpec job = JobSpec.of("bench", lease);
        AtomicLong requestedRunStarted = new AtomicLong();
        List<LeaderElector> electors = new ArrayList<>();
        List<JobRunner> runners = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            Map<String, LeaderElector> mine = new ConcurrentHashMap<>();
            JobRunner runner = new JobRunner(RunnerSettings.of(name, mine::get));
            runner.register(job, slot -> {
                try {
                    return runner.run(job, slot, false, void.class, () -> {
                        requestedRunStarted.compareAndSet(0, System.nanoTime());
                        return null;
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            LeaderElector elector = new LeaderElector(stores.next(), new ElectionSettings(lease, name,
                    Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)), null, Ticker.SYSTEM);
            mine.put(lease, elector);
            electors.add(elector);
            runners.add(runner);
        }
        electors.forEach(LeaderElector::start);
        int leader = HandoverBenchmark.awaitLeader(electors);
        JobRunner holder = runners.get(leader);

        List<Double> suspend = new ArrayList<>();
        List<Double> resume = new ArrayList<>();
        List<Double> request = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            pause(pause); // let the renewal rhythm and the controls' tick fall where they may
            long t0 = System.nanoTime();
            annotate(operator, lease, a -> {
                a.put(job.suspendKey(), "true");
                return a;
            });
            awaitTrue(() -> holder.skipReason(job).filter("suspended"::equals).isPresent(), t0);
            suspend.add((System.nanoTime() - t0) / 1e6);

            pause(pause);
            t0 = System.nanoTime();
            annotate(operator, lease, a -> {
                a.remove(job.suspendKey());
                return a;
            });
            awaitTrue(() -> holder.skipReason(job).isEmpty(), t0);
            resume.add((System.nanoTime() - t0) / 1e6);

            pause(pause);
            requestedRunStarted.set(0);
            String token = "bench-" + i;
            t0 = System.nanoTime();
            annotate(operator, lease, a -> {
                a.put(job.runKey(), token);
                return a;
            });
            awaitTrue(() -> requestedRunStarted.get() != 0, t0);
            request.add((requestedRunStarted.get() - t0) / 1e6);
            awaitTrue(() -> holder.lastRequest(job).filter(s -> token.equals(s.request())
                    && s.outcome() != JobRecord.Outcome.RUNNING).isPresent(), System.nanoTime());
        }
        runners.forEach(JobRunner::close);
        electors.forEach(e -> e.close(true, Duration.ofSeconds(5)));
        System.out.printf("%nCONTROLS %s, %d each (ms from the operator's edit sent to the holder acting):%n"
                + "  suspend:     %s%n  resume:      %s%n  run request: %s%n%n", storeName, SAMPLES,
                HandoverBenchmark.summary(suspend), HandoverBenchmark.summary(resume),
                HandoverBenchmark.summary(request));
    }

    /** Edits the Lease's annotations as an operator does: read, change, conditional write, again on a conflict. */
    static void annotate(LeaseStore store, String lease, UnaryOperator<Map<String, String>> edit) {
        for (int i = 0; i < 50; i++) {
            LeaseSnapshot s = store.get(lease).orElseThrow();
            LeaseRecord r = s.record();
            if (store.update(s, new LeaseRecord(r.holderIdentity(), r.leaseDurationSeconds(), r.acquireTime(),
                    r.renewTime(), r.leaseTransitions(), edit.apply(new HashMap<>(r.annotations())))).isPresent()) {
                return;
            }
        }
        throw new AssertionError("could not annotate " + lease);
    }

    static void pause(Duration upTo) throws InterruptedException {
        Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(upTo.toMillis() / 2, upTo.toMillis() + 1));
    }

    interface Condition {
        boolean holds();
    }

    static void awaitTrue(Condition condition, long since) throws InterruptedException {
        while (!condition.holds()) {
            if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(30)) {
                throw new AssertionError("not within 30 s");
            }
            TimeUnit.MICROSECONDS.sleep(500);
        }
    }
}
