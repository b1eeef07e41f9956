package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.controls.LeaseControls;
import dev.baton.scheduling.records.JobHistory;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;

/**
 * The operators' controls, on several replicas against the test API server: suspend and resume, run requests and
 * history (the options that shape a run are {@link JobOptionsTest}'s). The operator is played by {@link #annotate},
 * as {@code kubectl annotate lease} would; the replicas' schedulers by firing slots.
 */
class JobControlsTest extends ApiServerReplicas {

    long ranFor(String what) {
        synchronized (ran) {
            return ran.stream().filter(r -> r.contains(what)).count();
        }
    }

    List<RunnerReplica> three(String lease, JobSpec... jobs) {
        List<RunnerReplica> all = List.of(replica("a"), replica("b"), replica("c"));
        for (RunnerReplica r : all) {
            for (JobSpec job : jobs) {
                r.register(job, ran, null);
            }
            r.elect(lease);
        }
        return all;
    }

    /**
     * Waits for a run request of {@code marker} to be run and answered by {@code leader}: its controls have then
     * looked at the Lease as it is now, so whatever else it was going to start from it has been started.
     */
    void sync(RunnerReplica leader, String lease, JobSpec marker, String token) {
        annotate(lease, m -> {
            m.put(marker.runKey(), token);
            return m;
        });
        await().atMost(PATIENCE).until(() -> statusIn(lease, marker).filter(s -> token.equals(s.request())
                && s.outcome() == Outcome.SUCCEEDED).isPresent());
        assertEquals(leader.name, statusIn(lease, marker).orElseThrow().replica());
    }

    // ------------------------------------------------------------------ suspend and resume

    @Test
    void aSuspendStopsRunsOnWhicheverReplicaLeadsAcrossAHandoverAndRemovingItResumes() throws Exception {
        String lease = lease("suspend");
        JobSpec tick = JobSpec.of("tick", lease);
        List<RunnerReplica> all = three(lease, tick);
        RunnerReplica first = awaitLeader(all, lease);
        fireAll(all, tick, at("10:00:00"));
        assertEquals(List.of(at("10:00:00") + "@" + first.name), ran);

        annotate(lease, m -> {
            m.put("baton.dev/suspend.tick", "true");
            return m;
        });
        all.forEach(r -> awaitObserved(r, lease, a -> a.containsKey("baton.dev/suspend.tick")));
        fireAll(all, tick, at("10:00:10"));
        assertEquals(1, ran.size(), "a suspended job does not run: " + ran);
        assertEquals(1, first.count("baton.job.skips", "reason", "suspended"));
        for (RunnerReplica r : all) {
            assertEquals(Optional.of("baton.dev/suspend.tick"), r.runner.suspendedBy(tick),
                    "every replica shows the job suspended, and by what");
        }
        assertEquals(Optional.of("suspended"), first.runner.skipReason(tick), "the gate (LeaderOnly, /jobs) says so");

        first.electors.get(lease).releaseNow();
        List<RunnerReplica> others = all.stream().filter(r -> r != first).toList();
        RunnerReplica second = awaitLeader(others, lease);
        fireAll(all, tick, at("10:00:20"));
        assertEquals(1, ran.size(), "still suspended under the new leader: " + ran);
        assertEquals(1, second.count("baton.job.skips", "reason", "suspended"));

        // The Lease-wide switch suspends every job of the Lease.
        annotate(lease, m -> {
            m.remove("baton.dev/suspend.tick");
            m.put("baton.dev/suspend", "true");
            return m;
        });
        awaitObserved(second, lease, a -> a.containsKey("baton.dev/suspend") && !a.containsKey(tick.suspendKey()));
        fireAll(all, tick, at("10:00:30"));
        assertEquals(1, ran.size(), "suspended by the Lease-wide annotation: " + ran);
        assertEquals(Optional.of("baton.dev/suspend"), second.runner.suspendedBy(tick));

        annotate(lease, m -> {
            m.remove("baton.dev/suspend");
            return m;
        });
        awaitObserved(second, lease, a -> !a.containsKey("baton.dev/suspend"));
        fireAll(all, tick, at("10:00:40"));
        assertEquals(List.of(at("10:00:00") + "@" + first.name, at("10:00:40") + "@" + second.name), ran);
        assertEquals(Optional.empty(), second.runner.suspendedBy(tick));
    }

    @Test
    void aResumedJobDoesNotCatchUpTheSlotsItMissedWhileSuspended() throws Exception {
        String lease = lease("resume");
        JobSpec report = minutely("report", lease);
        List<RunnerReplica> all = three(lease, report);
        RunnerReplica first = awaitLeader(all, lease);
        clock.set(at("10:00:30"));
        fireAll(all, report, at("10:00:00"));
        assertEquals(List.of(at("10:00:00") + "@" + first.name), ran);

        annotate(lease, m -> {
            m.put(report.suspendKey(), "true");
            return m;
        });
        // The holder marks the suspension in the record: a later holder must not catch up what it makes us miss.
        await().atMost(PATIENCE).until(() -> recordIn(lease, report).map(JobRecord::suspendedSince).isPresent());
        clock.set(at("10:01:30"));
        fireAll(all, report, at("10:01:00"));
        assertEquals(1, ran.size(), "10:01 falls into the suspension: " + ran);

        // A new leader begins a term while the job is suspended: 10:01 is missed, and not caught up.
        first.electors.get(lease).releaseNow();
        List<RunnerReplica> others = all.stream().filter(r -> r != first).toList();
        RunnerReplica second = awaitLeader(others, lease);
        await().atMost(PATIENCE).until(() -> second.count("baton.job.skips", "reason", "suspended") >= 1);

        annotate(lease, m -> {
            m.remove(report.suspendKey());
            return m;
        });
        // Resumed: the holder records that the slots up to now fell into the suspension.
        await().atMost(PATIENCE).until(() -> recordIn(lease, report)
                .filter(r -> r.suspendedSince() == null && at("10:01:00").equals(r.skippedThrough())).isPresent());
        assertEquals(at("10:00:00"), recordIn(lease, report).orElseThrow().slot(), "the last run is still 10:00");

        // Another handover after the resume: 10:01 is settled, nothing is caught up; nor is 10:01 run when fired late.
        second.electors.get(lease).releaseNow();
        RunnerReplica third = awaitLeader(all.stream().filter(r -> r != second).toList(), lease);
        await().atMost(PATIENCE).until(() -> !third.termsStarted.isEmpty()
                && third.termsStarted.stream().anyMatch(t -> t.isValid()));
        fireAll(all, report, at("10:01:00"));
        clock.set(at("10:02:30"));
        fireAll(all, report, at("10:02:00"));
        assertEquals(List.of(at("10:00:00") + "@" + first.name, at("10:02:00") + "@" + third.name), ran,
                "no slot of the suspension ran, the next one did");
    }

    // ------------------------------------------------------------------ run requests

    @Test
    void aRunRequestRunsExactlyOnceAcrossHandovers() throws Exception {
        String lease = lease("request");
        JobSpec adhoc = JobSpec.of("adhoc", lease);
        JobSpec marker = JobSpec.of("marker", lease);
        List<RunnerReplica> all = three(lease, adhoc, marker);
        AtomicBoolean claimedBeforeRun = new AtomicBoolean();
        CountDownLatch t1Running = new CountDownLatch(1);
        for (RunnerReplica r : all) {
            r.bodies.put(adhoc.id(), (replica, run) -> {
                if ("T1".equals(((Run) run).request)) {
                    claimedBeforeRun.set(statusIn(lease, adhoc).filter(s -> "T1".equals(s.request())
                            && s.outcome() == Outcome.RUNNING && replica.equals(s.replica())).isPresent());
                    t1Running.countDown();
                    Thread.sleep(60_000); // still running when its term ends
                }
                return null;
            });
        }
        RunnerReplica first = awaitLeader(all, lease);

        annotate(lease, m -> {
            m.put("baton.dev/run.adhoc", "T1");
            return m;
        });
        assertTrue(t1Running.await(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertTrue(claimedBeforeRun.get(), "the token was claimed in the Lease before the run began");
        assertEquals(List.of(first.name), ran.stream().filter(s -> s.contains("T1")).map(s -> s.split("@| ")[1])
                .toList());

        // A handover while T1 runs: its run is stopped with the term; the new leader sees the claim, not a request.
        first.electors.get(lease).releaseNow();
        RunnerReplica second = awaitLeader(all.stream().filter(r -> r != first).toList(), lease);
        sync(second, lease, marker, "M1");
        assertEquals(1, ranFor("request T1"), "T1 ran once: " + ran);
        assertEquals(Outcome.RUNNING, statusIn(lease, adhoc).orElseThrow().outcome(),
                "what the old leader left is there for operators to see");

        // A new token runs once, is answered, and is not run again by the next leader either.
        annotate(lease, m -> {
            m.put("baton.dev/run.adhoc", "T2");
            return m;
        });
        await().atMost(PATIENCE).until(() -> statusIn(lease, adhoc).filter(s -> "T2".equals(s.request())
                && s.outcome() == Outcome.SUCCEEDED).isPresent());
        JobRecord entry = historyIn(lease, adhoc).get(0);
        assertEquals("T2", entry.request());
        assertEquals("manual", entry.trigger());
        assertEquals(second.name, entry.replica());
        assertEquals(1, entry.attempt());
        assertTrue(recordIn(lease, adhoc).isEmpty(), "a requested run uses up no slot");

        second.electors.get(lease).releaseNow();
        RunnerReplica third = awaitLeader(all.stream().filter(r -> r != second).toList(), lease);
        sync(third, lease, marker, "M2");
        assertEquals(1, ranFor("request T1"), "T1 ran once: " + ran);
        assertEquals(1, ranFor("request T2"), "T2 ran once: " + ran);
    }

    @Test
    void aRunRequestClaimedBeforeACrashIsNotRunAgain() throws Exception {
        String lease = lease("claimed");
        JobSpec adhoc = JobSpec.of("adhoc", lease);
        JobSpec marker = JobSpec.of("marker", lease);
        RunnerReplica a = replica("a");
        a.register(adhoc, ran, (replica, run) -> {
            Thread.sleep(60_000); // crashes mid-run
            return null;
        });
        a.register(marker, ran, null);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        RunnerReplica b = replica("b");
        b.register(adhoc, ran, null);
        b.register(marker, ran, null);
        b.elect(lease);

        annotate(lease, m -> {
            m.put(adhoc.runKey(), "nightly-fix-42");
            return m;
        });
        await().atMost(PATIENCE).until(() -> ranFor("request nightly-fix-42") == 1);
        assertEquals("a", statusIn(lease, adhoc).orElseThrow().replica());

        a.crash(); // the Lease keeps a as holder and the claim
        awaitLeader(List.of(b), lease);
        sync(b, lease, marker, "after-crash");
        assertEquals(1, ranFor("request nightly-fix-42"), "the claimed token is not run again: " + ran);
        JobRecord status = statusIn(lease, adhoc).orElseThrow();
        assertEquals("a", status.replica());
        assertEquals(Outcome.RUNNING, status.outcome());
    }

    @Test
    void aSuspendedJobRefusesARunRequestAndTheRefusalIsRecorded() throws Exception {
        String lease = lease("refuse");
        JobSpec job = JobSpec.of("job", lease);
        RunnerReplica a = replica("a");
        a.register(job, ran, null);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        annotate(lease, m -> {
            m.put(job.suspendKey(), "true");
            return m;
        });
        awaitObserved(a, lease, m -> m.containsKey(job.suspendKey()));
        annotate(lease, m -> {
            m.put(job.runKey(), "R1");
            return m;
        });
        await().atMost(PATIENCE).until(() -> statusIn(lease, job).isPresent());
        JobRecord status = statusIn(lease, job).orElseThrow();
        assertEquals(Outcome.REFUSED, status.outcome());
        assertEquals("R1", status.request());
        assertTrue(status.error().contains(job.suspendKey()), status.error());
        assertEquals(Outcome.REFUSED, historyIn(lease, job).get(0).outcome());
        assertEquals(1, a.count("baton.job.skips", "reason", "suspended"));

        // Resumed, the refused token stays answered; a new one runs.
        annotate(lease, m -> {
            m.remove(job.suspendKey());
            return m;
        });
        sync(a, lease, job, "R2");
        assertEquals(List.of("R2"), ran.stream().filter(s -> s.contains("request")).map(s -> s.replaceAll(
                ".*request (\\w+)\\)", "$1")).toList(), "R1 never ran: " + ran);
    }

    @Test
    void hostileAnnotationsAreReportedOnceAndIgnored() throws Exception {
        String lease = lease("hostile");
        JobSpec garbage = JobSpec.of("garbage", lease);
        JobSpec huge = JobSpec.of("huge", lease);
        JobSpec banana = JobSpec.of("banana", lease);
        JobSpec marker = JobSpec.of("marker", lease);
        RunnerReplica a = replica("a");
        for (JobSpec j : List.of(garbage, huge, banana, marker)) {
            a.register(j, ran, null);
        }
        try (LogCapture log = new LogCapture(LeaseControls.class)) {
            a.elect(lease);
            awaitLeader(List.of(a), lease);
            annotate(lease, m -> {
                m.put("baton.dev/run.no-such-job", "T1");
                m.put(garbage.runKey(), "{\"not\": \"a token\"}");
                m.put(huge.runKey(), "x".repeat(5000));
                m.put(banana.suspendKey(), "banana");
                m.put("baton.dev/suspend.no-such-job", "true");
                return m;
            });
            // Several looks at the Lease: each sync changes it, and renewals change it too meanwhile.
            sync(a, lease, marker, "S1");
            sync(a, lease, marker, "S2");
            sync(a, lease, marker, "S3");

            assertEquals(2, log.count("baton.dev/run.no-such-job") + log.count("baton.dev/suspend.no-such-job"),
                    "unknown jobs, once each: " + log.warnings);
            assertEquals(1, log.count(garbage.runKey()), log.warnings.toString());
            assertEquals(1, log.count(huge.runKey()), log.warnings.toString());
            assertEquals(1, log.count(banana.suspendKey()), log.warnings.toString());
            assertEquals(5, log.warnings.size(), "nothing else: " + log.warnings);
            assertTrue(log.warnings.stream().allMatch(w -> w.length() < 400), "a huge value is not logged whole");
        }
        assertTrue(statusIn(lease, garbage).isEmpty() && statusIn(lease, huge).isEmpty(), "no request was taken");
        assertEquals(3, ran.size(), "only the marker's requests ran: " + ran);
        assertEquals(Optional.empty(), a.runner.suspendedBy(banana), "'banana' suspends nothing");
        a.fire(banana, at("10:00:00"), ran);
        assertEquals(4, ran.size(), "the job runs: " + ran);
    }

    @Test
    void aRunRequestWaitsForTheRunningRunOfItsJob() throws Exception {
        String lease = lease("waits");
        JobSpec job = JobSpec.of("job", lease);
        RunnerReplica a = replica("a");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean requestOverlapped = new AtomicBoolean();
        AtomicBoolean scheduledDone = new AtomicBoolean();
        a.register(job, ran, (replica, run) -> {
            if (at("10:00:00").equals(run.slot())) {
                running.countDown();
                finish.await();
                scheduledDone.set(true);
            } else if (!scheduledDone.get()) {
                requestOverlapped.set(true);
            }
            return null;
        });
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        Future<Object> scheduled = pool.submit(() -> a.fire(job, at("10:00:00"), ran));
        assertTrue(running.await(10, TimeUnit.SECONDS));

        // The overlap rule: the next slot does not start while the job runs here (overlap = SKIP by default).
        a.fire(job, at("10:00:10"), ran);
        assertEquals(1, a.count("baton.job.skips", "reason", "still-running"));
        // A request made now waits for the run to end, then runs.
        annotate(lease, m -> {
            m.put(job.runKey(), "after");
            return m;
        });
        awaitObserved(a, lease, m -> m.containsKey(job.runKey()));
        finish.countDown();
        scheduled.get(10, TimeUnit.SECONDS);
        await().atMost(PATIENCE).until(() -> ranFor("request after") == 1);
        assertFalse(requestOverlapped.get(), "the requested run did not overlap the running one");
        assertEquals(2, ran.size(), "10:00:10 did not run: " + ran);
    }

    // ------------------------------------------------------------------ history

    @Test
    void historyKeepsTheLastRunsNewestFirstAndSurvivesAHandover() throws Exception {
        String lease = lease("history");
        JobSpec tick = JobSpec.of("tick", lease);
        List<RunnerReplica> all = List.of(replica("a", 64, 3), replica("b", 64, 3));
        for (RunnerReplica r : all) {
            r.register(tick, ran, null);
            r.elect(lease);
        }
        RunnerReplica first = awaitLeader(all, lease);
        for (int i = 0; i < 5; i++) {
            fireAll(all, tick, at("10:00:00").plusSeconds(10L * i));
        }
        await().atMost(PATIENCE).until(() -> historyIn(lease, tick).stream().findFirst()
                .map(h -> h.slot().equals(at("10:00:40"))).orElse(false));
        assertEquals(List.of(at("10:00:40"), at("10:00:30"), at("10:00:20")),
                historyIn(lease, tick).stream().map(JobRecord::slot).toList(), "the last 3, newest first");
        JobRecord newest = historyIn(lease, tick).get(0);
        assertEquals(first.name, newest.replica());
        assertEquals("schedule", newest.trigger());
        assertEquals(Outcome.SUCCEEDED, newest.outcome());
        assertNull(newest.error());

        first.electors.get(lease).releaseNow();
        RunnerReplica second = awaitLeader(all.stream().filter(r -> r != first).toList(), lease);
        fireAll(all, tick, at("10:00:50"));
        await().atMost(PATIENCE).until(() -> historyIn(lease, tick).stream().findFirst()
                .map(h -> h.slot().equals(at("10:00:50"))).orElse(false));
        List<JobRecord> history = historyIn(lease, tick);
        assertEquals(List.of(at("10:00:50") + "@" + second.name, at("10:00:40") + "@" + first.name,
                at("10:00:30") + "@" + first.name),
                history.stream().map(h -> h.slot() + "@" + h.replica()).toList(), "kept across the handover");
        assertTrue(history.get(0).epoch() > history.get(1).epoch());
        awaitObserved(first, lease, m -> history.equals(JobHistory.parse(m.get(tick.historyKey()))));
        assertEquals(history, first.runner.history(tick), "a standby shows the same history (GET /jobs)");
    }
}
