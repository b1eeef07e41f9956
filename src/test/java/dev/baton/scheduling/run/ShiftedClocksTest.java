package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.baton.clock.ClockTrust;
import dev.baton.clock.ClusterClock;
import dev.baton.clock.DateStampingApiServer;
import dev.baton.clock.TestClock;
import dev.baton.clock.Ticker;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.gate.ClockBehind;
import dev.baton.scheduling.gate.ClockSkew;
import dev.baton.scheduling.records.CronSlots;
import dev.baton.scheduling.records.JobSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Replicas whose wall clocks disagree, on one test API server: one on the cluster's time, one ahead and one behind
 * it by 90 s or by 6 minutes, and leadership moved between them in every order (true, behind, ahead, true, ahead,
 * behind, true: each ordered pair once). The test sets the cluster's time ({@link #CLUSTER}) and plays each
 * replica's scheduler: at each 10 s step, every replica fires the cron slot its own clock has reached, as Quarkus
 * would. In every case no slot runs twice.
 * <ul>
 * <li><b>Unmeasured</b>: the server sends no {@code Date} header (fabric8's mock; in production, a proxy that strips
 * it), so no replica knows its offset and none refuses. The records alone must keep every slot from running twice:
 * a record ahead of a replica's clock is a reason not to run ({@link ClockBehindLink}). With the old rule (a record
 * more than 5 minutes ahead is ignored) the 6-minute case runs slots twice; ignoring any record ahead of the clock
 * does it in the 90 s case too.</li>
 * <li><b>Measured</b>: the server stamps {@code Date} from the cluster's time; the replicas ahead and behind find
 * themselves off and refuse: they lead the service Lease in turn and run nothing there ({@code clock-skew}), and
 * never take the job Lease, not even when it is free.</li>
 * </ul>
 */
class ShiftedClocksTest {

    static final String NS = "skew";
    static final Duration STEP = Duration.ofSeconds(10);
    /**
     * The replicas' {@code baton.jobs.max-clock-skew}: above two {@link #STEP}s, far below the offsets under test
     * (90 s and more). The cluster's time jumps a step at a time here; a request sent just before a jump and stamped
     * just after it looks like a clock a step behind (its {@code Date} is 10 s past its send time, within a few
     * milliseconds), which a real clock never shows. With the default 2 s limit such an answer refused a good clock
     * for a slot now and then (a flaky failure: the first holder ran nothing); above a step it cannot.
     */
    static final Duration MAX_SKEW = Duration.ofSeconds(25);
    static final CronSlots EVERY_10S = new CronSlots("*/10 * * * * ?", "quartz", ZoneOffset.UTC);
    static final Instant START = Instant.parse("2026-01-01T10:00:00Z");
    /** The cluster's time: what the stamping server writes in {@code Date}, and what every replica's clock is offset from. */
    static final TestClock CLUSTER = TestClock.at(START);
    static final AtomicInteger SEQ = new AtomicInteger();

    static KubernetesServer blind;
    static KubernetesMockServer stamping;
    static KubernetesClient stampingAdmin;

    final List<RunnerReplica> replicas = new ArrayList<>();
    /** Per job id, "slot@replica" for each run (" (catch-up)" added for a caught-up one). */
    final Map<String, List<String>> runs = new ConcurrentHashMap<>();
    final ExecutorService pool = Executors.newCachedThreadPool();
    final List<LogRecord> warnings = Collections.synchronizedList(new ArrayList<>());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void startServers() {
        blind = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        blind.before();
        stamping = DateStampingApiServer.start(CLUSTER);
        stampingAdmin = stamping.createClient();
    }

    @AfterAll
    static void stopServers() {
        blind.after();
        stampingAdmin.close();
        stamping.destroy();
    }

    @BeforeEach
    void resetTimeAndListen() {
        CLUSTER.set(START);
        java.util.logging.Logger.getLogger(ClockBehind.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stopReplicas() {
        java.util.logging.Logger.getLogger(ClockBehind.class.getName()).removeHandler(capture);
        replicas.forEach(RunnerReplica::close);
        pool.shutdownNow();
    }

    RunnerReplica replica(String name, Duration offset, boolean measured) {
        TestClock wall = TestClock.following(CLUSTER, offset);
        // Both kinds measure: on the blind server every answer lacks the header, so the estimate stays unmeasured.
        ClusterClock clusterClock = new ClusterClock(false, MAX_SKEW, wall, Ticker.SYSTEM);
        RunnerReplica r = new RunnerReplica(name, measured ? stampingAdmin : blind.getClient(), NS, wall, clusterClock, 64);
        replicas.add(r);
        return r;
    }

    /** A cron job every 10 s that catches up and writes its record before each run, as the benchmark's does. */
    static JobSpec job(String id, String lease) {
        return job(id, lease, CatchUp.RUN_LATEST);
    }

    /** {@code SKIP}: no catch-up, the record is written when the run ends. */
    static JobSpec job(String id, String lease, CatchUp catchUp) {
        return new JobSpec(id, lease, catchUp, catchUp == CatchUp.RUN_LATEST ? Optional.of(Duration.ofMinutes(1))
                : Optional.empty(), "cron */10 * * * * ?", Optional.of(EVERY_10S));
    }

    /** Makes {@code target} the leader of {@code lease}: the others stand aside while the holder releases it. */
    void moveLeadership(String lease, RunnerReplica target) {
        replicas.forEach(r -> r.standAside.set(r != target));
        replicas.stream().filter(r -> r != target && r.leads(lease)).forEach(r -> r.electors.get(lease).releaseNow());
        await().atMost(PATIENCE).until(() -> target.leads(lease));
        replicas.forEach(r -> r.standAside.set(false)); // the Lease is held: standbys only wait for it to expire
    }

    /** Moves the cluster's time on by {@code span}, one step at a time; at each, every replica fires its slot. */
    void runFor(Duration span, List<JobSpec> specs) throws Exception {
        for (Duration t = Duration.ZERO; t.compareTo(span) < 0; t = t.plus(STEP)) {
            CLUSTER.set(CLUSTER.instant().plus(STEP));
            List<Future<Object>> fired = new ArrayList<>();
            for (RunnerReplica r : replicas) {
                Instant slot = EVERY_10S.latestAtOrBefore(r.clock.instant()).orElseThrow();
                for (JobSpec spec : specs) {
                    fired.add(pool.submit(() -> r.fire(spec, slot, ran(spec))));
                }
            }
            for (Future<Object> f : fired) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    List<String> ran(JobSpec spec) {
        return runs.computeIfAbsent(spec.id(), id -> Collections.synchronizedList(new ArrayList<>()));
    }

    /** Every run, as "job slot@replica". */
    List<String> allRuns() {
        List<String> all = new ArrayList<>();
        runs.forEach((id, list) -> {
            synchronized (list) {
                list.forEach(run -> all.add(id + " " + run));
            }
        });
        return all;
    }

    /** "job slot" of every slot run more than once, with how often it ran. */
    Map<String, Long> ranTwice() {
        return allRuns().stream().map(s -> s.replaceAll("@.*", "")).collect(Collectors.groupingBy(Function.identity(),
                Collectors.counting())).entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Lets catch-ups still running finish (and start nothing new), so that {@link #ran} is complete. */
    /** What {@code r} skipped and why, for failure messages. */
    static List<String> skips(RunnerReplica r) {
        return r.meters.find("baton.job.skips").counters().stream()
                .map(c -> c.getId().getTag("reason") + "=" + c.count()).toList();
    }

    void drainAll() {
        replicas.forEach(r -> r.runner.drain(Duration.ofSeconds(10)));
    }

    // ------------------------------------------------------------------ tests

    @ParameterizedTest(name = "{0} s")
    @ValueSource(ints = { 90, 360 })
    void withNoReplicaKnowingItsOffsetTheRecordsAloneKeepEverySlotFromRunningTwice(int skewSeconds) throws Exception {
        Duration skew = Duration.ofSeconds(skewSeconds);
        String lease = "unmeasured-" + SEQ.incrementAndGet();
        RunnerReplica onTime = replica("on-time", Duration.ZERO, false);
        RunnerReplica ahead = replica("ahead", skew, false);
        RunnerReplica behind = replica("behind", skew.negated(), false);
        JobSpec tick = job("tick", lease);
        JobSpec tock = job("tock", lease, CatchUp.SKIP);
        for (RunnerReplica r : replicas) {
            r.register(tick, ran(tick), null);
            r.register(tock, ran(tock), null);
            r.elect(lease);
        }
        // Long enough for a replica behind to reach the slots its predecessor ran first (as in the issue: 345 s).
        Duration span = skew.plus(Duration.ofSeconds(30));
        for (RunnerReplica leader : List.of(onTime, behind, ahead, onTime, ahead, behind, onTime)) {
            moveLeadership(lease, leader);
            runFor(span, List.of(tick, tock));
        }
        drainAll();

        replicas.forEach(r -> assertEquals(ClockTrust.UNMEASURED, r.clusterClock.trust(), "no Date header: " + r.name));
        assertTrue(ran(tick).size() > 10 && ran(tock).size() > 10, "the jobs ran: " + allRuns());
        assertEquals(Map.of(), ranTwice(), "slots run twice; all runs: " + allRuns());
        assertTrue(behind.count("baton.job.skips", "reason", ClockBehind.SKIP_REASON) > 0,
                "behind the on-time replica's record, the replica behind ran nothing and counted it");
        assertTrue(onTime.count("baton.job.skips", "reason", ClockBehind.SKIP_REASON) > 0,
                "behind the record of the replica ahead, the on-time replica ran nothing and counted it");
        // Said once per record it was behind, however many slots it did not run for it.
        Map<String, Long> warned = warnings.stream().map(LogRecord::getMessage)
                .map(m -> m.replaceAll("^Singleton job (\\S+): slot \\S+ not run, nor any slot up to (\\S+):.*", "$1 $2"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertFalse(warned.isEmpty(), "a replica behind the record said so");
        assertTrue(warned.values().stream().allMatch(n -> n == 1), "one warning per record: " + warned);
        assertTrue(warnings.stream().allMatch(w -> w.getMessage().matches(".*kubectl -n " + NS + " annotate lease "
                + lease + " baton.dev/job.t[io]ck-$")), "with the line that clears a hand-edited record");
    }

    @ParameterizedTest(name = "{0} s")
    @ValueSource(ints = { 90, 360 })
    void replicasThatMeasureTheirClockOffRunNoSlotAndNeverTakeAJobLease(int skewSeconds) throws Exception {
        Duration skew = Duration.ofSeconds(skewSeconds);
        String service = "service-" + SEQ.incrementAndGet();
        String own = "own-" + SEQ.get();
        RunnerReplica onTime = replica("on-time", Duration.ZERO, true);
        RunnerReplica ahead = replica("ahead", skew, true);
        RunnerReplica behind = replica("behind", skew.negated(), true);
        JobSpec onService = job("on-service", service);
        JobSpec onOwn = job("on-own-lease", own);
        onTime.elect(service);
        onTime.electJobLease(own);
        await().atMost(PATIENCE).until(() -> onTime.leads(service) && onTime.leads(own));
        for (RunnerReplica r : replicas) {
            r.register(onService, ran(onService), null);
            r.register(onOwn, ran(onOwn), null);
            if (r != onTime) {
                r.elect(service);
                r.electJobLease(own);
            }
        }
        // Each has had API answers: the first round reads the Lease.
        await().atMost(PATIENCE).until(() -> replicas.stream().allMatch(r -> r.clusterClock.current().measured()));
        assertEquals(ClockTrust.WITHIN, onTime.clusterClock.trust(), onTime.clusterClock.current().describe());
        assertEquals(ClockTrust.BEYOND, ahead.clusterClock.trust(), ahead.clusterClock.current().describe());
        assertEquals(ClockTrust.BEYOND, behind.clusterClock.trust(), behind.clusterClock.current().describe());

        Duration span = Duration.ofSeconds(60);
        for (RunnerReplica leader : List.of(onTime, behind, ahead, onTime, ahead, behind, onTime)) {
            moveLeadership(service, leader);
            runFor(span, List.of(onService, onOwn));
        }
        // The job Lease free for a whole lease duration (its holder steps aside): the replicas off do not take it.
        LeaderElector ownLease = onTime.electors.get(own);
        ownLease.releaseNow();
        await().atMost(PATIENCE).until(() -> replicas.stream().anyMatch(r -> r.leads(own)));
        assertTrue(onTime.leads(own), "taken back by the only replica with a good clock, after its step-aside");
        runFor(span, List.of(onService, onOwn));
        drainAll();

        assertEquals(Map.of(), ranTwice(), "slots run twice; all runs: " + allRuns());
        assertFalse(ran(onService).isEmpty(), "the job on the service Lease ran: " + allRuns());
        assertFalse(ran(onOwn).isEmpty(), "the job on its own Lease ran: " + allRuns());
        assertEquals(List.of(), allRuns().stream().filter(s -> !s.contains("@on-time")).toList(),
                "runs on a replica whose clock is off");
        for (RunnerReplica off : List.of(ahead, behind)) {
            assertTrue(off.count("baton.job.skips", "reason", ClockSkew.SKIP_REASON) > 0,
                    off.name + " led the service Lease and counted the slots it refused");
            assertEquals(List.of(), off.termsStarted.stream().filter(t -> t.lease().name().equals(own)).toList(),
                    off.name + " never took the job Lease");
            assertTrue(off.termsStarted.stream().anyMatch(t -> t.lease().name().equals(service)),
                    off.name + " did lead the service Lease: its election does not depend on the clock");
        }
    }

    @Test
    void aJobLeaseHolderWhoseClockStepsAwayReleasesItAndTakesItAgainOnceItIsBack() throws Exception {
        String own = "stepped-" + SEQ.incrementAndGet();
        RunnerReplica a = replica("a", Duration.ZERO, true);
        RunnerReplica b = replica("b", Duration.ZERO, true);
        JobSpec job = job("stepped", own);
        List<String> ran = ran(job);
        for (RunnerReplica r : replicas) {
            r.register(job, ran, null);
            r.electJobLease(own);
        }
        await().atMost(PATIENCE).until(() -> a.leads(own) || b.leads(own));
        RunnerReplica holder = a.leads(own) ? a : b;
        RunnerReplica other = holder == a ? b : a;
        runFor(STEP, List.of(job));
        assertEquals(List.of(CLUSTER.instant() + "@" + holder.name), ran, holder.name + "'s skips " + skips(holder)
                + ", clock " + holder.clusterClock.current().describe());

        ((TestClock) holder.clock).shift(Duration.ofSeconds(90)); // NTP steps it, a VM resumes...
        await().atMost(PATIENCE).until(() -> other.leads(own)); // its next renewal's answer shows the step
        assertEquals(ClockTrust.BEYOND, holder.clusterClock.trust());
        assertFalse(holder.leads(own));
        runFor(STEP, List.of(job));
        assertEquals(CLUSTER.instant() + "@" + other.name, ran.get(ran.size() - 1), "the good clock runs it");

        ((TestClock) holder.clock).shift(Duration.ZERO);
        other.standAside.set(true);
        other.electors.get(own).releaseNow();
        // Its next look reads the Lease; that answer shows its clock back, so it takes it.
        await().atMost(PATIENCE).until(() -> holder.leads(own));
        assertEquals(ClockTrust.WITHIN, holder.clusterClock.trust());
        runFor(STEP, List.of(job));
        drainAll();
        assertEquals(CLUSTER.instant() + "@" + holder.name, ran.get(ran.size() - 1));
        assertEquals(Map.of(), ranTwice(), "slots run twice; all runs: " + allRuns());
    }

    @Test
    void aServiceLeaseHolderWhoseClockStepsAwayHandsItOverAndTakesItBackOnlyWhenNobodyElseCan() throws Exception {
        String service = "service-" + SEQ.incrementAndGet();
        RunnerReplica a = replica("a", Duration.ZERO, true);
        RunnerReplica b = replica("b", Duration.ZERO, true);
        JobSpec job = job("on-service", service);
        List<String> ran = ran(job);
        for (RunnerReplica r : replicas) {
            r.register(job, ran, null);
            r.electServiceLease(service);
        }
        await().atMost(PATIENCE).until(() -> a.leads(service) || b.leads(service));
        RunnerReplica holder = a.leads(service) ? a : b;
        RunnerReplica other = holder == a ? b : a;

        ((TestClock) holder.clock).shift(Duration.ofSeconds(90));
        await().atMost(PATIENCE).until(() -> other.leads(service)); // its next renewal's answer shows the step
        runFor(STEP, List.of(job));
        assertEquals(CLUSTER.instant() + "@" + other.name, ran.get(ran.size() - 1), "the good clock runs the job");

        // Neither can now: the other releases too, and after the bounded hold-back one of them leads and keeps it.
        ((TestClock) other.clock).shift(Duration.ofSeconds(90));
        await().atMost(PATIENCE).until(() -> !other.leads(service));
        await().atMost(PATIENCE).until(() -> a.leads(service) || b.leads(service));
        RunnerReplica kept = a.leads(service) ? a : b;
        long renewals = kept.sent.stream().filter(x -> x.lease().equals(service) && x.renewal()).count();
        await().atMost(PATIENCE).until(() -> kept.sent.stream()
                .filter(x -> x.lease().equals(service) && x.renewal()).count() >= renewals + 3);
        assertTrue(kept.leads(service), kept.name + " keeps the Lease: nobody else can take it");
        runFor(STEP, List.of(job));
        assertTrue(kept.count("baton.job.skips", "reason", ClockSkew.SKIP_REASON) > 0, "its jobs pause, counted");
        drainAll();
        assertEquals(Map.of(), ranTwice(), "slots run twice; all runs: " + allRuns());
    }
}
