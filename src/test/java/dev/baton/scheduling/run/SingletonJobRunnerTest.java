package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.records.CronSlots;
import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * The run's rules on several replicas against one Kubernetes test API server ({@link ApiServerReplicas}): one run
 * per slot, stopped with its term, recorded, caught up, drained.
 */
class SingletonJobRunnerTest extends ApiServerReplicas {
    // ------------------------------------------------------------------ tests

    @Test
    void eachSlotRunsOnceAcrossReplicasAndASlotRunBeforeAHandoverIsNotRunAgain() throws Exception {
        // The slots below are fired as a scheduler fires them: at or after their time, never ahead of the clock
        // (a record ahead of the clock is another matter: ShiftedClocksTest).
        clock.set(at("10:01:00"));
        String lease = lease("service");
        List<RunnerReplica> all = List.of(replica("a"), replica("b"), replica("c"));
        all.forEach(r -> r.elect(lease));
        JobSpec tick = JobSpec.of("tick", lease);
        // Registered, as JobManager registers every singleton job: a duplicate fire on the leader is held back by its
        // claim of the slot while the run's final record is still on its way to the Lease (it rides on a renewal).
        all.forEach(r -> r.register(tick, ran, null));
        List<Instant> slots = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Instant slot = at("10:00:00").plusSeconds(10L * i);
            slots.add(slot);
            RunnerReplica leader = awaitLeader(all, lease);
            fireAll(all, tick, slot);
            fireAll(all, tick, slot); // a duplicate fire of the same slot
            assertEquals(slot + "@" + leader.name, ran.get(ran.size() - 1));
        }
        assertEquals(5, ran.size(), "each slot ran once, on the leader; duplicate fires did not run: " + ran);
        RunnerReplica first = awaitLeader(all, lease);

        first.electors.get(lease).releaseNow(); // the release carries the last final record
        List<RunnerReplica> others = all.stream().filter(r -> r != first).toList();
        RunnerReplica second = awaitLeader(others, lease);
        JobRecord history = recordIn(lease, tick).orElseThrow();
        assertEquals(first.name, history.replica(), "the old leader's record survived the handover");
        assertEquals(slots.get(4), history.slot());

        fireAll(all, tick, slots.get(4)); // the new leader's scheduler fires the old slot late
        assertEquals(5, ran.size(), "a slot the old leader recorded is not run again: " + ran);
        assertTrue(second.count("baton.job.skips", "reason", "already-run") >= 1);

        Instant next = slots.get(4).plusSeconds(10);
        fireAll(all, tick, next);
        assertEquals(next + "@" + second.name, ran.get(5));
        JobRecord now = awaitRecordIn(lease, tick, r -> r.slot().equals(next));
        assertEquals(second.name, now.replica());
        assertEquals(Outcome.SUCCEEDED, now.outcome());
        assertTrue(now.epoch() > history.epoch(), "the new term's epoch is recorded");
    }

    @Test
    void whenTwoRunsOverlapTheRecordKeepsTheNewerSlot() throws Exception {
        String lease = lease("overlap");
        RunnerReplica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        // Overlapping runs must be allowed for this (the default skips a fire while the job runs: JobControlsTest).
        JobSpec job = JobSpec.of("overlap", lease)
                .withOptions(JobOptions.DEFAULTS.withOverlap(SingletonJob.Overlap.ALLOW));
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch finishFirst = new CountDownLatch(1);
        a.bodies.put(job.id(), (replica, run) -> {
            if (run.slot().equals(at("10:00:00"))) {
                firstRunning.countDown();
                finishFirst.await();
            }
            return null;
        });
        Future<Object> first = pool.submit(() -> a.fire(job, at("10:00:00"), ran));
        assertTrue(firstRunning.await(10, TimeUnit.SECONDS));
        a.fire(job, at("10:00:10"), ran); // the next slot starts and ends while the first is still running
        awaitRecordIn(lease, job, r -> r.slot().equals(at("10:00:10")));

        finishFirst.countDown();
        first.get(10, TimeUnit.SECONDS);
        awaitHistoryIn(lease, job, 2); // the older slot's end has been written (to the history only)
        assertEquals(at("10:00:10"), recordIn(lease, job).orElseThrow().slot(),
                "the older slot finishing last does not take the record back (which would allow a rerun)");
    }

    @Test
    void perJobLeasesSpreadAcrossReplicasAndEachJobRunsOnOneReplica() throws Exception {
        int n = SEQ.incrementAndGet();
        List<String> leases = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            leases.add("job-" + n + "-" + i);
        }
        List<RunnerReplica> all = List.of(replica("a"), replica("b"), replica("c"));
        Duration step = Duration.ofMillis(100);
        Duration stagger = Duration.ofSeconds(1);
        all.forEach(r -> dev.baton.election.LeaseSpreading.startOneByOne(leases, stagger,
                lease -> r.electSpreading(lease, step)));
        for (String lease : leases) {
            awaitLeader(all, lease);
        }
        Map<String, List<String>> held = all.stream().collect(Collectors.toMap(r -> r.name,
                r -> leases.stream().filter(r::leads).toList()));
        System.out.println("per-job leases held: " + held);
        // Started one second apart, each job Lease is contested while the replicas hold different numbers: the
        // lighter ones try first, so the six end up two per replica (without pacing: 2/2/2 about one time in eight).
        // Pacing decides a contest when a request comes back within a step (100 ms here).
        held.forEach((replica, ls) -> assertTrue(ls.size() < 6, replica + " holds every job lease: " + held));
        IntSummaryStatistics counts = held.values().stream().mapToInt(List::size).summaryStatistics();
        assertTrue(counts.getMax() - counts.getMin() <= 1, "job leases spread evenly: " + held);

        for (String lease : leases) {
            fireAll(all, JobSpec.of("job", lease), at("10:00:00"));
        }
        for (String lease : leases) {
            RunnerReplica holder = all.stream().filter(r -> r.leads(lease)).findFirst().orElseThrow();
            assertEquals(1, ran.stream().filter(s -> s.endsWith("@" + holder.name)).count()
                    - held.get(holder.name).stream().filter(l -> !l.equals(lease)).count(),
                    "job of " + lease + " ran once, on its holder: " + ran);
        }
        assertEquals(6, ran.size(), "each job ran on one replica only: " + ran);
    }

    @Test
    void unreadableAndOversizeRecordsAreReportedAndNothingIsLost() throws Exception {
        String lease = lease("garbage");
        RunnerReplica a = replica("a", 3);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        String oversize = "{\"slot\":\"" + "9".repeat(2000) + "\"}";
        annotate(lease, m -> {
            m.put("baton.dev/job.tick", "{not json");
            m.put("baton.dev/job.other", oversize);
            m.put("team.example/owner", "payments");
            return m;
        });
        JobSpec tick = JobSpec.of("tick", lease);
        JobSpec other = JobSpec.of("other", lease);
        await().atMost(PATIENCE).until(() -> a.electors.get(lease).observed().orElseThrow().record()
                .annotation("team.example/owner") != null);
        assertTrue(a.runner.lastRecord(tick).isEmpty(), "garbage reads as no record");
        assertTrue(a.runner.lastRecord(other).isEmpty(), "an oversize record reads as no record");

        a.fire(tick, at("10:00:00"), ran);
        assertEquals(1, ran.size(), "the job still runs");
        awaitRecordIn(lease, tick, r -> true);
        Map<String, String> after = admin.leases().inNamespace(NS).withName(lease).get().getMetadata()
                .getAnnotations();
        assertEquals("payments", after.get("team.example/owner"), "foreign annotations are kept");
        assertEquals(oversize, after.get("baton.dev/job.other"), "another job's annotation is left alone");
        assertEquals(at("10:00:00"), JobRecord.parse(after.get("baton.dev/job.tick")).orElseThrow().slot());

        // A record claiming a later epoch than the Lease's current term was not written by a leader: ignored.
        annotate(lease, m -> {
            m.put("baton.dev/job.tick", new JobRecord(at("11:00:00"), "someone", 99, Outcome.SUCCEEDED, 1L,
                    at("11:00:01"), null, null).toJson());
            return m;
        });
        await().atMost(PATIENCE).until(() -> a.runner.lastRecord(tick).map(JobRecord::epoch).orElse(0L) == 99);
        a.fire(tick, at("10:00:10"), ran);
        assertEquals(2, ran.size(), "a hand-edited record from the future does not stop the job");
        assertEquals(at("10:00:10"), awaitRecordIn(lease, tick, r -> r.epoch() != 99).slot(),
                "and is replaced by the run's");

        // The bound: this Lease may carry 3 records of the application's jobs (junk and other keys do not count);
        // with r1, r2 and r3 there, a fourth job's record is refused, and a catch-up job, which needs its started
        // record, does not run.
        JobSpec capped = new JobSpec("capped", lease, CatchUp.RUN_LATEST, Optional.empty(), "cron 0 * * * * ?",
                Optional.of(CronSlots.quartz("0 * * * * ?")));
        a.register(capped, ran, null);
        for (String id : List.of("r1", "r2", "r3")) {
            a.register(JobSpec.of(id, lease), ran, null);
        }
        annotate(lease, m -> {
            for (String id : List.of("r1", "r2", "r3")) {
                m.put(JobRecord.PREFIX + id, new JobRecord(at("09:00:00"), "a", 0, Outcome.SUCCEEDED, 1L,
                        at("09:00:01"), null, null).toJson());
            }
            return m;
        });
        await().atMost(PATIENCE).until(() -> a.electors.get(lease).observed().orElseThrow().record()
                .annotation("baton.dev/job.r3") != null);
        a.fire(capped, at("10:00:00"), ran);
        assertEquals(2, ran.size(), "no run without its started record");
        assertEquals(1, a.count("baton.job.skips", "reason", "record-not-written"));
    }

    @Test
    void inSidecarModeSingletonJobsNeverRun() throws Exception {
        String lease = lease("sidecar");
        RunnerReplica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        JobRunner sidecar = new JobRunner(RunnerSettings.of("a", a.electors::get).withClock(clock).withSidecar(true));
        JobSpec job = JobSpec.of("tick", lease);
        assertEquals(Optional.of("sidecar"), sidecar.skipReason(job));
        sidecar.run(job, at("10:00:00"), false, void.class, () -> ran.add("ran"));
        assertTrue(ran.isEmpty());
    }

    @Test
    void aLongErrorIsCutSoTheRecordStaysSmall() {
        JobRecord r = new JobRecord(at("10:00:00"), "a", 3, Outcome.FAILED, 12L, at("10:00:01"), null,
                "x".repeat(5000));
        String json = r.toJson();
        assertTrue(json.length() <= JobRecord.MAX_CHARS, "record of " + json.length() + " characters");
        JobRecord back = JobRecord.parse(json).orElseThrow();
        assertEquals(Outcome.FAILED, back.outcome());
        assertNotNull(back.error());
        assertTrue(back.error().endsWith("..."));
    }
}
