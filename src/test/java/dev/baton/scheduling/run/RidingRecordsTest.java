package dev.baton.scheduling.run;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.baton.Term;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;

/**
 * A run's final record rides on its elector's next write of the Lease instead of a write of its own, while what
 * keeps a slot from running twice (the started record of a {@code RUN_LATEST} run) is still written at once. The
 * tests count the PUTs the leader sent the test API server ({@link RunnerReplica#sent}, one per update): a renewal moves
 * {@code renewTime}, an annotation write does not.
 */
class RidingRecordsTest extends ApiServerReplicas {

    /** The updates (PUTs) of {@code lease} that {@code r} sent from {@code from} on. */
    static List<RunnerReplica.Sent> putsOf(RunnerReplica r, String lease, int from) {
        return r.sent.subList(from, r.sent.size()).stream().filter(s -> s.lease().equals(lease)).toList();
    }

    static boolean carries(RunnerReplica.Sent put, JobSpec job) {
        return put.written().annotation(job.recordKey()) != null
                && !put.written().annotation(job.recordKey()).equals(put.previous().annotation(job.recordKey()));
    }

    @Test
    void aFinalRecordLandsWithTheNextRenewalAndNoWriteOfItsOwn() throws Exception {
        String lease = lease("ride");
        RunnerReplica a = replica("a");
        JobSpec tick = JobSpec.of("tick", lease);
        a.register(tick, ran, null);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        awaitRenewals(a, lease);
        int from = a.sent.size();

        a.fire(tick, at("10:00:00"), ran);
        assertEquals(1, ran.size());
        JobRecord landed = awaitRecordIn(lease, tick, r -> true);
        assertEquals(Outcome.SUCCEEDED, landed.outcome());

        List<RunnerReplica.Sent> puts = putsOf(a, lease, from);
        int carrier = -1;
        for (int i = 0; i < puts.size() && carrier < 0; i++) {
            if (carries(puts.get(i), tick)) {
                carrier = i;
            }
        }
        assertTrue(carrier >= 0, "a PUT carried the record");
        assertTrue(puts.get(carrier).renewal() && !puts.get(carrier).release(), "the record came with a renewal");
        assertEquals(0, puts.subList(0, carrier + 1).stream().filter(p -> !p.renewal()).count(),
                "no PUT but renewals between the run's end and the renewal that carried its record: " + puts);
        assertEquals(1, historyIn(lease, tick).size(), "its history entry came with it");
    }

    @Test
    void runsCostTheirStartedRecordsAndTheRenewalsNotAWritePerFinalRecord() throws Exception {
        String lease = lease("count");
        RunnerReplica a = replica("a");
        JobSpec plain = JobSpec.of("plain", lease);
        JobSpec latest = runLatest("latest", lease);
        a.register(plain, ran, null);
        a.register(latest, ran, null);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        awaitRenewals(a, lease);
        clock.set(at("10:10:00"));
        int from = a.sent.size();

        int runs = 10;
        for (int i = 0; i < runs; i++) {
            Instant slot = at("10:00:00").plusSeconds(60L * i); // the RUN_LATEST job's cron: every minute
            a.fire(plain, slot, ran);
            a.fire(latest, slot, ran);
        }
        assertEquals(2 * runs, ran.size());
        Instant last = at("10:00:00").plusSeconds(60L * (runs - 1));
        awaitRecordIn(lease, plain, r -> r.slot().equals(last));
        awaitRecordIn(lease, latest, r -> r.slot().equals(last) && r.outcome() == Outcome.SUCCEEDED);

        List<RunnerReplica.Sent> puts = putsOf(a, lease, from);
        long writesOfTheirOwn = puts.stream().filter(p -> !p.renewal()).count();
        assertEquals(runs, writesOfTheirOwn, "one write per RUN_LATEST run (its started record), none per final "
                + "record, none for the plain job: " + puts.size() + " PUTs in all");
        assertEquals(Math.min(runs, RunnerSettings.DEFAULT_HISTORY), historyIn(lease, plain).size(),
                "every final record was written (coalesced), none lost");
    }

    @Test
    void aReleaseCarriesThePendingFinalRecord() throws Exception {
        String lease = lease("release");
        RunnerReplica a = replica("a");
        JobSpec tick = JobSpec.of("tick", lease);
        a.register(tick, ran, null);
        LeaderElector elector = a.elect(lease);
        awaitLeader(List.of(a), lease);
        awaitRenewals(a, lease);
        int from = a.sent.size();

        // The elector's thread is kept busy from the run's end to the release, so no renewal can carry the record.
        CountDownLatch release = new CountDownLatch(1);
        Term term = elector.currentTerm().orElseThrow();
        a.bodies.put(tick.id(), (replica, run) -> {
            elector.updateAnnotations(term, current -> {
                hold(release);
                return null; // writes nothing
            });
            elector.releaseNow(); // queued behind the busy task: the next write of the Lease is the release
            return null;
        });
        a.fire(tick, at("10:00:00"), ran);
        release.countDown();

        JobRecord landed = awaitRecordIn(lease, tick, r -> true);
        assertEquals(Outcome.SUCCEEDED, landed.outcome());
        List<RunnerReplica.Sent> puts = putsOf(a, lease, from);
        RunnerReplica.Sent carrier = puts.stream().filter(p -> carries(p, tick)).findFirst().orElseThrow();
        assertTrue(carrier.release(), "the release carried it: " + puts);
        assertEquals(0, puts.stream().filter(p -> !p.renewal()).count(), "no write of its own: " + puts);
    }

    @Test
    void aTermLostBeforeTheNextRenewalLosesTheFinalRecordAndTheSlotStillRunsOnce() throws Exception {
        clock.set(at("10:00:30"));
        String lease = lease("lost");
        RunnerReplica a = replica("a");
        RunnerReplica b = replica("b");
        JobSpec job = runLatest("latest", lease);
        a.register(job, ran, null);
        b.register(job, ran, null);
        LeaderElector elector = a.elect(lease);
        awaitLeader(List.of(a), lease);
        awaitRenewals(a, lease);
        b.elect(lease);

        // From inside the run: the elector's thread is kept busy, so no renewal comes before the crash.
        CountDownLatch never = new CountDownLatch(1);
        a.bodies.put(job.id(), (replica, run) -> {
            Term term = elector.currentTerm().orElseThrow();
            elector.updateAnnotations(term, current -> {
                hold(never);
                return null;
            });
            return null;
        });
        a.fire(job, at("10:00:00"), ran);
        assertEquals(List.of(at("10:00:00") + "@a"), ran);
        a.crash(); // its term ends (after the renew deadline) with the final record still queued

        RunnerReplica leader = awaitLeader(List.of(b), lease);
        awaitObserved(leader, lease, m -> m.containsKey(job.recordKey()));
        JobRecord left = recordIn(lease, job).orElseThrow();
        assertEquals(Outcome.RUNNING, left.outcome(), "the started record stays; the final record was lost");
        JobRecord shown = b.runner.lastRecord(job).orElseThrow();
        assertEquals(Outcome.UNKNOWN, shown.outcome(), "/jobs says the outcome is unknown, not that it still runs");
        assertEquals(at("10:00:00"), shown.slot());

        b.fire(job, at("10:00:00"), ran); // the new leader's scheduler fires that slot late
        assertEquals(1, ran.size(), "the slot is not run again: " + ran);
        assertEquals(1, b.count("baton.job.skips", "reason", "already-run"));
    }

    @Test
    void aRunningRecordShowsAsUnknownOnlyOnceItsTermIsOver() {
        JobRecord running = new JobRecord(at("10:00:00"), "a", 3, Outcome.RUNNING, null, at("10:00:00"), null, null);
        assertEquals(Outcome.RUNNING, running.shownWith(3, false).outcome(), "its term may still be running it");
        assertEquals(Outcome.UNKNOWN, running.shownWith(4, false).outcome(), "a later term holds the Lease");
        assertEquals(Outcome.UNKNOWN, running.shownWith(3, true).outcome(), "nobody holds the Lease");
        JobRecord done = new JobRecord(at("10:00:00"), "a", 3, Outcome.SUCCEEDED, 1L, at("10:00:01"), null, null);
        assertEquals(Outcome.SUCCEEDED, done.shownWith(4, true).outcome());
        assertNull(running.shownWith(4, false).durationMs());
        assertNotNull(running.shownWith(4, false).finishedAt());
        assertFalse(done.outcomeUnknown(9, true));
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the elector stopping its thread
        }
    }
}
