package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import dev.baton.kube.OperatorEdits;
import dev.baton.clock.TestClock;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.records.CronSlots;
import dev.baton.scheduling.records.JobHistory;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Several replicas of the job logic (each with its own client, electors and runner) against one Kubernetes test
 * API server in CRUD mode over HTTP, shared by the tests of a class. A test plays each replica's Quarkus scheduler
 * by firing slots on all of them, and an operator by annotating the Lease ({@link #annotate}).
 */
public abstract class ApiServerReplicas {

    static final String NS = "jobs";
    static KubernetesServer server;
    static KubernetesClient admin;
    static final AtomicInteger SEQ = new AtomicInteger();

    final List<RunnerReplica> replicas = new ArrayList<>();
    public final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    final ExecutorService pool = Executors.newCachedThreadPool();
    public final TestClock clock = TestClock.at(Instant.parse("2026-01-01T10:00:30Z"));

    @BeforeAll
    static void startServer() {
        server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
        admin = server.getClient();
    }

    @AfterAll
    static void stopServer() {
        server.after();
    }

    @AfterEach
    void stopReplicas() {
        replicas.forEach(r -> {
            try {
                r.close();
            } catch (RuntimeException e) {
                // already crashed
            }
        });
        pool.shutdownNow();
    }

    protected RunnerReplica replica(String name) {
        return replica(name, 64);
    }

    RunnerReplica replica(String name, int maxRecords) {
        return replica(name, maxRecords, RunnerSettings.DEFAULT_HISTORY);
    }

    RunnerReplica replica(String name, int maxRecords, int history) {
        RunnerReplica r = new RunnerReplica(name, admin, NS, clock, maxRecords, history);
        replicas.add(r);
        return r;
    }

    protected static String lease(String prefix) {
        return prefix + "-" + SEQ.incrementAndGet();
    }

    protected RunnerReplica awaitLeader(List<RunnerReplica> among, String lease) {
        await().atMost(PATIENCE).until(() -> among.stream().filter(r -> r.leads(lease)).count() == 1);
        return among.stream().filter(r -> r.leads(lease)).findFirst().orElseThrow();
    }

    /** Every replica's scheduler fires {@code slot} at about the same moment. */
    void fireAll(List<RunnerReplica> among, JobSpec spec, Instant slot) throws Exception {
        List<Future<Object>> fired = new ArrayList<>();
        for (RunnerReplica r : among) {
            fired.add(pool.submit(() -> r.fire(spec, slot, ran)));
        }
        for (Future<Object> f : fired) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    Optional<JobRecord> recordIn(String lease, JobSpec spec) {
        return JobRecord.parse(annotationsOf(lease).get(spec.recordKey()));
    }

    /**
     * The job's record once it passes {@code until}, read from the API server: a final record rides on the holder's
     * next renewal (at most a retry period, plus jitter, after the run ended), so a test waits for it.
     */
    JobRecord awaitRecordIn(String lease, JobSpec spec, java.util.function.Predicate<JobRecord> until) {
        AtomicReference<JobRecord> seen = new AtomicReference<>();
        await().atMost(PATIENCE).until(() -> {
            seen.set(recordIn(lease, spec).orElse(null));
            return seen.get() != null && until.test(seen.get());
        });
        return seen.get();
    }

    /** The job's history once it has {@code size} entries, read from the API server (see {@link #awaitRecordIn}). */
    static List<JobRecord> awaitHistoryIn(String lease, JobSpec spec, int size) {
        await().atMost(PATIENCE).until(() -> historyIn(lease, spec).size() >= size);
        return historyIn(lease, spec);
    }

    /**
     * Waits until {@code r} has renewed {@code lease} twice and still leads: a cold JVM's first writes can be slow
     * enough on a busy machine to cost the first term, which would drop what rides on it.
     */
    protected static void awaitRenewals(RunnerReplica r, String lease) {
        await().atMost(PATIENCE).until(() -> r.sent.stream().filter(s -> s.lease().equals(lease) && s.renewal()).count() >= 2
                && r.leads(lease));
    }

    /** The Lease's annotations, read from the API server as an operator would; none while it does not exist. */
    static Map<String, String> annotationsOf(String lease) {
        Lease l = admin.leases().inNamespace(NS).withName(lease).get();
        Map<String, String> a = l == null ? null : l.getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    /** The run status of the job's last run request, read from the API server. */
    static Optional<JobRecord> statusIn(String lease, JobSpec spec) {
        return JobRecord.parse(annotationsOf(lease).get(spec.runStatusKey()));
    }

    /** The job's history, read from the API server. */
    static List<JobRecord> historyIn(String lease, JobSpec spec) {
        return JobHistory.parse(annotationsOf(lease).get(spec.historyKey()));
    }

    /** Waits until {@code replica}'s elector of {@code lease} has observed a Lease whose annotations pass. */
    static void awaitObserved(RunnerReplica replica, String lease,
            java.util.function.Predicate<Map<String, String>> annotations) {
        await().atMost(PATIENCE).until(() -> replica.electors.get(lease).observed()
                .map(s -> annotations.test(s.record().annotations())).orElse(false));
    }

    /** Edits the Lease's annotations as an operator would (kubectl annotate), retrying on conflicts. */
    static void annotate(String lease, UnaryOperator<Map<String, String>> edit) {
        OperatorEdits.annotate(admin, NS, lease, edit);
    }

    static Instant at(String time) {
        return Instant.parse("2026-01-01T" + time + "Z");
    }

    /** A job every minute that catches up and writes its record before each run. */
    static JobSpec runLatest(String id, String lease) {
        return new JobSpec(id, lease, CatchUp.RUN_LATEST, Optional.empty(), "cron 0 * * * * ?",
                Optional.of(CronSlots.quartz("0 * * * * ?")));
    }

    /** As {@link #runLatest}, its slots named in UTC whatever the machine's zone. */
    static JobSpec minutely(String id, String lease) {
        return new JobSpec(id, lease, CatchUp.RUN_LATEST, Optional.empty(), "cron 0 * * * * ?",
                Optional.of(new CronSlots("0 * * * * ?", "quartz", ZoneOffset.UTC)));
    }

}
