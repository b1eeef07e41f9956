package dev.baton.scheduling.run;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.SingletonJob.CatchUp;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.smallrye.mutiny.Uni;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.SingletonRun;
import dev.baton.scheduling.records.CronSlots;
import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;

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
        List<Replica> all = List.of(replica("a"), replica("b"), replica("c"));
        all.forEach(r -> r.elect(lease));
        JobSpec tick = JobSpec.of("tick", lease);
        // Registered, as JobManager registers every singleton job: a duplicate fire on the leader is held back by its
        // claim of the slot while the run's final record is still on its way to the Lease (it rides on a renewal).
        all.forEach(r -> r.register(tick, ran, null));
        List<Instant> slots = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Instant slot = at("10:00:00").plusSeconds(10L * i);
            slots.add(slot);
            Replica leader = awaitLeader(all, lease);
            fireAll(all, tick, slot);
            fireAll(all, tick, slot); // a duplicate fire of the same slot
            assertEquals(slot + "@" + leader.name, ran.get(ran.size() - 1));
        }
        assertEquals(5, ran.size(), "each slot ran once, on the leader; duplicate fires did not run: " + ran);
        Replica first = awaitLeader(all, lease);

        first.electors.get(lease).releaseNow(); // the release carries the last final record
        List<Replica> others = all.stream().filter(r -> r != first).toList();
        Replica second = awaitLeader(others, lease);
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
    void aLeaderLosingItsTermMidRunIsInterruptedAndSeesItsTermInvalid() throws Exception {
        String lease = lease("taken");
        List<Replica> all = List.of(replica("a"), replica("b"));
        all.forEach(r -> r.elect(lease));
        Replica leader = awaitLeader(all, lease);
        JobSpec job = JobSpec.of("long", lease);
        CountDownLatch running = new CountDownLatch(1);
        AtomicReference<SingletonRun> seen = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean validWhenInterrupted = new AtomicBoolean(true);
        leader.bodies.put(job.id(), (replica, run) -> {
            seen.set(run);
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
                validWhenInterrupted.set(run.isValid());
                throw e;
            }
            return null;
        });
        long epoch = leader.electors.get(lease).currentTerm().orElseThrow().epoch();
        Future<Object> fired = pool.submit(() -> leader.fire(job, at("10:00:00"), ran));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertTrue(seen.get().isValid());

        // Another holder takes the Lease (as after a partition): the leader's term ends and its run is told.
        Lease l = admin.leases().inNamespace(NS).withName(lease).get();
        l.getSpec().setHolderIdentity("intruder");
        l.getMetadata().getAnnotations().remove("baton.dev/holder-instance");
        admin.leases().inNamespace(NS).resource(l).unlock().update();

        await().atMost(PATIENCE).untilTrue(interrupted);
        assertFalse(validWhenInterrupted.get(), "the job sees its term invalid when interrupted");
        assertEquals(epoch, seen.get().epoch(), "the run keeps the epoch of the term it started in");
        Exception thrown = assertThrows(Exception.class,
                () -> fired.get(10, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedException.class, thrown.getCause());
        assertEquals(1, leader.count("baton.job.runs", "outcome", "interrupted"));
        assertTrue(leader.runner.overruns().isEmpty(), "nothing still running after its term");
    }

    @Test
    void aUniJobIsCancelledWhenItsTermEnds() throws Exception {
        String lease = lease("reactive");
        Replica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        JobSpec job = JobSpec.of("reactive", lease);
        AtomicBoolean cancelled = new AtomicBoolean();
        a.bodies.put(job.id(), (replica, run) -> Uni.createFrom().emitter(e -> {
        }).onCancellation().invoke(() -> cancelled.set(true)));
        Uni<?> result = (Uni<?>) a.fire(job, at("10:00:00"), ran);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        result.subscribe().with(item -> {
        }, failure::set);

        a.electors.get(lease).releaseNow();

        await().atMost(PATIENCE).untilTrue(cancelled);
        await().atMost(PATIENCE).until(() -> failure.get() != null);
        assertInstanceOf(CancellationException.class, failure.get());
        assertEquals(1, a.count("baton.job.runs", "outcome", "interrupted"));
    }

    @Test
    void aCompletionStageJobIsCancelledWhenItsTermEnds() throws Exception {
        String lease = lease("stage");
        Replica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        JobSpec job = JobSpec.of("stage", lease);
        CompletableFuture<Void> work = new CompletableFuture<>();
        a.bodies.put(job.id(), (replica, run) -> work);
        CompletionStage<?> result = (CompletionStage<?>) a.fire(job, at("10:00:00"), ran);

        a.electors.get(lease).releaseNow();

        await().atMost(PATIENCE).until(work::isCancelled);
        Throwable failure = assertThrows(Exception.class,
                () -> result.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(failure instanceof CancellationException || failure.getCause() instanceof CancellationException,
                String.valueOf(failure));
        assertEquals(1, a.count("baton.job.runs", "outcome", "interrupted"));
    }

    @Test
    void aJobsCancelHookRunsOffTheElectorsThreads() throws Exception {
        String lease = lease("hook");
        Replica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        JobSpec job = JobSpec.of("hook", lease);
        CompletableFuture<Void> work = new CompletableFuture<>();
        AtomicReference<String> hookThread = new AtomicReference<>();
        // Runs on the thread that cancels the job: a hook that blocks there must not hold up the election.
        work.whenComplete((v, e) -> hookThread.set(Thread.currentThread().getName()));
        a.bodies.put(job.id(), (replica, run) -> work);
        a.fire(job, at("10:00:00"), ran);

        a.electors.get(lease).releaseNow();

        await().atMost(PATIENCE).until(() -> hookThread.get() != null);
        assertTrue(work.isCancelled());
        assertFalse(hookThread.get().startsWith("baton-elector") || hookThread.get().startsWith("baton-deadline"),
                "cancelled on " + hookThread.get());
    }

    @Test
    void whenTwoRunsOverlapTheRecordKeepsTheNewerSlot() throws Exception {
        String lease = lease("overlap");
        Replica a = replica("a");
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
    void catchUpRunsTheLatestMissedSlotOnceAndSkipsOnePastItsDeadline() throws Exception {
        String lease = lease("report");
        JobSpec report = new JobSpec("report", lease, CatchUp.RUN_LATEST, Optional.of(Duration.ofMinutes(10)),
                "cron 0 0 * * * ?", Optional.of(new CronSlots("0 0 * * * ?", "quartz", ZoneOffset.UTC)));
        Replica a = replica("a");
        a.register(report, ran, null);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        a.fire(report, at("10:00:00"), ran);
        assertEquals(List.of(at("10:00:00") + "@a"), ran);

        // a stops; nobody leads over 11:00 and 12:00; b starts at 12:05 and catches up 12:00 only.
        a.close();
        clock.set(at("12:05:00"));
        Replica b = replica("b");
        b.register(report, ran, null);
        b.elect(lease);
        await().atMost(PATIENCE).until(() -> ran.size() == 2);
        assertEquals(at("12:00:00") + "@b (catch-up)", ran.get(1));
        await().atMost(PATIENCE).until(() -> recordIn(lease, report).orElseThrow().outcome() == Outcome.SUCCEEDED);
        JobRecord caught = recordIn(lease, report).orElseThrow();
        assertEquals(at("12:00:00"), caught.slot());
        assertEquals(Boolean.TRUE, caught.catchUp());

        b.fire(report, at("12:00:00"), ran); // b's scheduler fires 12:00 late: already run
        assertEquals(2, ran.size(), "the caught-up slot runs once: " + ran);

        // b stops; c starts at 14:30: the missed 14:00 is older than the 10 minute deadline.
        b.close();
        clock.set(at("14:30:00"));
        Replica c = replica("c");
        c.register(report, ran, null);
        c.elect(lease);
        awaitLeader(List.of(c), lease);
        await().atMost(PATIENCE).until(() -> c.count("baton.job.skips", "reason", "past-deadline") == 1);
        assertEquals(2, ran.size(), "a slot past its deadline is not run: " + ran);
        assertEquals(at("12:00:00"), recordIn(lease, report).orElseThrow().slot());
    }

    @Test
    void theSlotThatFiresWhileAHandoversCatchUpStillRunsRunsAfterItOnTheNewLeader() throws Exception {
        // A graceful handover with a short schedule: the new leader catches up the slot that fell into the
        // handover, starting late as catch-ups do, and the next slot fires on time while that run still goes on.
        String lease = lease("every-minute");
        JobSpec job = new JobSpec("minutely", lease, CatchUp.RUN_LATEST, Optional.empty(), "cron 0 * * * * ?",
                Optional.of(new CronSlots("0 * * * * ?", "quartz", ZoneOffset.UTC)));
        clock.set(at("10:00:00"));
        Replica a = replica("a");
        a.register(job, ran, null);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        a.fire(job, at("10:00:00"), ran);
        a.close(); // graceful: released

        clock.set(at("10:01:59"));
        CountDownLatch catchUpRunning = new CountDownLatch(1);
        CountDownLatch catchUpMayEnd = new CountDownLatch(1);
        Replica b = replica("b");
        b.register(job, ran, (replica, run) -> {
            if (run.trigger() == RunTrigger.CATCH_UP) {
                catchUpRunning.countDown();
                catchUpMayEnd.await();
            }
            return null;
        });
        b.elect(lease);
        assertTrue(catchUpRunning.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "10:01 is caught up: " + ran);
        clock.set(at("10:02:00"));
        Future<Object> onTime = pool.submit(() -> b.fire(job, at("10:02:00"), ran));
        Thread.sleep(200); // the fire reaches the running catch-up (and, before the fix, was skipped at once)
        catchUpMayEnd.countDown();
        onTime.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertEquals(List.of(at("10:00:00") + "@a", at("10:01:00") + "@b (catch-up)", at("10:02:00") + "@b"), ran,
                "the slot that fired during the catch-up ran after it, once, never beside it");
        assertEquals(0, b.count("baton.job.skips", "reason", "still-running"));
    }

    @Test
    void aSlotStartedByALeaderThatCrashedIsNotRunAgain() throws Exception {
        String lease = lease("crash");
        JobSpec job = new JobSpec("billing", lease, CatchUp.RUN_LATEST, Optional.empty(), "cron 0 * * * * ?",
                Optional.of(new CronSlots("0 * * * * ?", "quartz", ZoneOffset.UTC)));
        Replica a = replica("a");
        a.register(job, ran, (replica, run) -> {
            Thread.sleep(60_000);
            return null;
        });
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        pool.submit(() -> a.fire(job, at("10:00:00"), ran));
        await().atMost(PATIENCE).until(() -> recordIn(lease, job).map(JobRecord::outcome).orElse(null)
                == Outcome.RUNNING);

        a.crash(); // the Lease keeps a as holder and the RUNNING record
        Replica b = replica("b");
        b.register(job, ran, null);
        b.elect(lease);
        awaitLeader(List.of(b), lease);
        b.fire(job, at("10:00:00"), ran);
        assertEquals(List.of(at("10:00:00") + "@a"), ran, "the slot a started is never run by b");
        JobRecord record = recordIn(lease, job).orElseThrow();
        assertEquals("a", record.replica());
        assertEquals(Outcome.RUNNING, record.outcome(), "what a left is still there for operators to see");
    }

    @Test
    void perJobLeasesSpreadAcrossReplicasAndEachJobRunsOnOneReplica() throws Exception {
        int n = SEQ.incrementAndGet();
        List<String> leases = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            leases.add("job-" + n + "-" + i);
        }
        List<Replica> all = List.of(replica("a"), replica("b"), replica("c"));
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
            Replica holder = all.stream().filter(r -> r.leads(lease)).findFirst().orElseThrow();
            assertEquals(1, ran.stream().filter(s -> s.endsWith("@" + holder.name)).count()
                    - held.get(holder.name).stream().filter(l -> !l.equals(lease)).count(),
                    "job of " + lease + " ran once, on its holder: " + ran);
        }
        assertEquals(6, ran.size(), "each job ran on one replica only: " + ran);
    }

    @Test
    void unreadableAndOversizeRecordsAreReportedAndNothingIsLost() throws Exception {
        String lease = lease("garbage");
        Replica a = replica("a", 3);
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
    void drainWaitsForARunThenInterruptsItAndRecordsThatWhileTheTermIsStillHeld() throws Exception {
        String lease = lease("drain");
        Replica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        awaitRenewals(a, lease); // its final record rides on a renewal of this term
        JobSpec job = JobSpec.of("slow", lease);
        CountDownLatch running = new CountDownLatch(1);
        a.bodies.put(job.id(), (replica, run) -> {
            running.countDown();
            Thread.sleep(60_000);
            return null;
        });
        Future<Object> fired = pool.submit(() -> a.fire(job, at("10:00:00"), ran));
        assertTrue(running.await(10, TimeUnit.SECONDS));

        long start = System.nanoTime();
        a.runner.drain(Duration.ofMillis(500));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(500).toNanos(), "drain waited for the run");
        assertThrows(Exception.class, () -> fired.get(10, TimeUnit.SECONDS));
        assertEquals(Outcome.INTERRUPTED, awaitRecordIn(lease, job, r -> true).outcome(),
                "the interrupted run is recorded: the Lease is released only after the drain");
        a.fire(job, at("10:00:10"), ran);
        assertEquals(1, ran.size(), "no new run starts while draining");
        assertEquals(1, a.count("baton.job.skips", "reason", "draining"));
    }

    @Test
    void aLeaseWhoseRunIgnoresTheDrainIsNotReleased() throws Exception {
        String lease = lease("stubborn");
        Replica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        JobSpec job = JobSpec.of("stubborn", lease);
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean release = new AtomicBoolean();
        a.bodies.put(job.id(), (replica, run) -> {
            running.countDown();
            while (!release.get()) {
                Thread.onSpinWait(); // ignores interrupts
            }
            return null;
        });
        pool.submit(() -> a.fire(job, at("10:00:00"), ran));
        assertTrue(running.await(10, TimeUnit.SECONDS));

        a.drain(Duration.ofMillis(200));
        a.electors.get(lease).close(true, Duration.ofSeconds(2)); // what Elections does next: release if it can
        Lease l = admin.leases().inNamespace(NS).withName(lease).get();
        assertEquals("a", l.getSpec().getHolderIdentity(), "the Lease is left to expire, not handed over");
        assertEquals(1, a.runner.overruns().size(), "the liveness check sees the overrun");
        release.set(true);
    }

    @Test
    void aStageJobThatGoesOnAfterItsCancelKeepsTheLeaseUntilItReallyEnds() throws Exception {
        String lease = lease("advisory");
        Replica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        JobSpec job = JobSpec.of("advisory", lease);
        CompletableFuture<Void> work = new CompletableFuture<>();
        // A stage whose cancel does not reach the work (as with most stages not made by the job itself).
        a.bodies.put(job.id(), (replica, run) -> work.minimalCompletionStage());
        CompletionStage<?> result = (CompletionStage<?>) a.fire(job, at("10:00:00"), ran);

        a.drain(Duration.ofMillis(200));
        a.electors.get(lease).close(true, Duration.ofSeconds(2));
        assertThrows(Exception.class, () -> result.toCompletableFuture().get(10, TimeUnit.SECONDS),
                "the caller is told the run was stopped");
        assertEquals("a", admin.leases().inNamespace(NS).withName(lease).get().getSpec().getHolderIdentity(),
                "the work still goes on: the Lease is left to expire, not handed over");
        assertEquals(1, a.runner.running().size());

        work.complete(null);
        assertTrue(a.runner.running().isEmpty(), "the run ends when its work does");
    }

    static JobSpec runLatest(String id, String lease) {
        return new JobSpec(id, lease, CatchUp.RUN_LATEST, Optional.empty(), "cron 0 * * * * ?",
                Optional.of(CronSlots.quartz("0 * * * * ?")));
    }

    @Test
    void aSlotWhoseStartedRecordLandedRunsEvenIfTheDrainBeganMeanwhile() throws Exception {
        String lease = lease("started");
        Replica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        JobSpec job = runLatest("started", lease);
        a.register(job, ran, null);
        AtomicBoolean armed = new AtomicBoolean(true);
        // The drain begins just as the run stamps its started record (the only clock read of that link).
        clock.onRead = () -> {
            boolean fromRun = StackWalker.getInstance().walk(frames -> frames.skip(2).findFirst())
                    .map(f -> f.getClassName().equals(StartedRecordLink.class.getName())
                            && f.getMethodName().equals("invoke"))
                    .orElse(false);
            if (fromRun && armed.compareAndSet(true, false)) {
                pool.submit(() -> a.runner.drain(PATIENCE));
                await().atMost(PATIENCE).until(a.runner::draining);
            }
        };
        try {
            a.fire(job, at("10:00:00"), ran);
        } finally {
            clock.onRead = () -> {
            };
        }
        assertFalse(armed.get(), "the drain began during the run");
        assertEquals(1, ran.size(), "a slot recorded as started is run, not left RUNNING and never run");
        assertEquals(Outcome.SUCCEEDED, awaitRecordIn(lease, job, r -> r.outcome() != Outcome.RUNNING).outcome());
    }

    @Test
    void aCatchUpSlotNotRunForWantOfItsStartedRecordCanRunAtItsNextFire() throws Exception {
        String lease = lease("rollback");
        Replica a = replica("a", 1);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        JobSpec job = runLatest("rollback", lease);
        a.register(job, ran, null);
        a.register(JobSpec.of("other", lease), ran, null);
        annotate(lease, m -> {
            m.put(JobRecord.PREFIX + "other", new JobRecord(at("09:00:00"), "a", 0, Outcome.SUCCEEDED, 1L,
                    at("09:00:01"), null, null).toJson());
            return m;
        });
        await().atMost(PATIENCE).until(() -> a.runner.lastRecord(JobSpec.of("other", lease)).isPresent());
        a.fire(job, at("10:00:00"), ran);
        assertEquals(0, ran.size(), "the Lease is full: no started record, no run");

        annotate(lease, m -> {
            m.remove(JobRecord.PREFIX + "other");
            return m;
        });
        await().atMost(PATIENCE).until(() -> a.runner.lastRecord(JobSpec.of("other", lease)).isEmpty());
        a.fire(job, at("10:00:00"), ran); // e.g. fired again as a catch-up
        assertEquals(1, ran.size(), "the slot was not claimed for good by the run that did not happen");
        assertEquals(at("10:00:00"), recordIn(lease, job).orElseThrow().slot());
    }

    @Test
    void aRunsFinalRecordLandsEvenAfterItsWriterStoppedWaiting() throws Exception {
        String lease = lease("late");
        Replica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        // A runner that never waits for a write: every record is "late".
        JobRunner impatient = new JobRunner("a", a.electors::get, clock,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), false, 64, Duration.ZERO);
        JobSpec job = JobSpec.of("late", lease);
        impatient.run(job, at("10:00:00"), false, void.class, () -> ran.add("ran"));
        assertEquals(1, ran.size());

        await().atMost(PATIENCE).until(() -> recordIn(lease, job).isPresent());
        assertEquals(at("10:00:00"), recordIn(lease, job).orElseThrow().slot(),
                "the record that keeps the next leader from running the slot again is written");
        assertEquals(Outcome.SUCCEEDED, recordIn(lease, job).orElseThrow().outcome());
    }

    @Test
    void aRunThatSwallowsItsStopIsRecordedInterruptedAndOnlyTheRunnersInterruptIsCleared() throws Exception {
        String lease = lease("swallow");
        Replica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        JobSpec job = JobSpec.of("swallow", lease);

        // The job's own interrupt is not the runner's to clear.
        a.bodies.put(job.id(), (replica, run) -> {
            Thread.currentThread().interrupt();
            return null;
        });
        a.fire(job, at("10:00:00"), ran);
        assertTrue(Thread.interrupted(), "the job's own interrupt survives the run");

        CountDownLatch running = new CountDownLatch(1);
        a.bodies.put(job.id(), (replica, run) -> {
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // swallowed: returns as if it had done its work
            }
            return null;
        });
        Future<Boolean> interruptedAfter = pool.submit(() -> {
            a.fire(job, at("10:00:10"), ran);
            return Thread.currentThread().isInterrupted();
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        a.electors.get(lease).releaseNow();

        assertFalse(interruptedAfter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS),
                "the runner's interrupt does not hit the thread's next task");
        assertEquals(1, a.count("baton.job.runs", "outcome", "interrupted"), "told to stop, so not a success");
        assertEquals(1, a.count("baton.job.runs", "outcome", "succeeded"), "only the first run succeeded");
    }

    @Test
    void inSidecarModeSingletonJobsNeverRun() throws Exception {
        String lease = lease("sidecar");
        Replica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        JobRunner sidecar = new JobRunner("a", a.electors::get, clock,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), true, 64, Duration.ofSeconds(5));
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
