package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.records.CronSlots;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * Catch-up when a term begins: the latest missed slot runs once on the new leader, a slot past its deadline does not,
 * a slot a crashed leader started is not run again, and the scheduler's own late fire of a slot being caught up waits
 * for it. On several replicas against one test API server ({@link ApiServerReplicas}).
 */
class CatchUpTest extends ApiServerReplicas {

    @Test
    void catchUpRunsTheLatestMissedSlotOnceAndSkipsOnePastItsDeadline() throws Exception {
        String lease = lease("report");
        JobSpec report = new JobSpec("report", lease, CatchUp.RUN_LATEST, Optional.of(Duration.ofMinutes(10)),
                "cron 0 0 * * * ?", Optional.of(new CronSlots("0 0 * * * ?", "quartz", ZoneOffset.UTC)));
        RunnerReplica a = replica("a");
        a.register(report, ran, null);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        a.fire(report, at("10:00:00"), ran);
        assertEquals(List.of(at("10:00:00") + "@a"), ran);

        // a stops; nobody leads over 11:00 and 12:00; b starts at 12:05 and catches up 12:00 only.
        a.close();
        clock.set(at("12:05:00"));
        RunnerReplica b = replica("b");
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
        RunnerReplica c = replica("c");
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
        RunnerReplica a = replica("a");
        a.register(job, ran, null);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        a.fire(job, at("10:00:00"), ran);
        a.close(); // graceful: released

        clock.set(at("10:01:59"));
        CountDownLatch catchUpRunning = new CountDownLatch(1);
        CountDownLatch catchUpMayEnd = new CountDownLatch(1);
        RunnerReplica b = replica("b");
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
        // The on-time fire reads the clock as it starts waiting for the running catch-up (before the fix, it was
        // skipped at once and never got there): only then may the catch-up end.
        CountDownLatch waitingForCatchUp = new CountDownLatch(1);
        clock.onRead = () -> {
            if (StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getMethodName().equals("awaitCatchUp")
                    && f.getClassName().equals(NoOverlapLink.class.getName())))) {
                waitingForCatchUp.countDown();
            }
        };
        Future<Object> onTime = pool.submit(() -> b.fire(job, at("10:02:00"), ran));
        assertTrue(waitingForCatchUp.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the 10:02 fire waits: " + ran);
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
        RunnerReplica a = replica("a");
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
        RunnerReplica b = replica("b");
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
    void aCatchUpSlotNotRunForWantOfItsStartedRecordCanRunAtItsNextFire() throws Exception {
        String lease = lease("rollback");
        RunnerReplica a = replica("a", 1);
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
}
