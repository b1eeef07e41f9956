package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * Shutdown's drain and the records it leaves: a run is waited for, then interrupted and recorded while the term is
 * still held; a Lease whose run ignores the drain is not released; a final record lands even after its writer stopped
 * waiting. On several replicas against one test API server ({@link ApiServerReplicas}).
 */
class DrainTest extends ApiServerReplicas {

    @Test
    void drainWaitsForARunThenInterruptsItAndRecordsThatWhileTheTermIsStillHeld() throws Exception {
        String lease = lease("drain");
        RunnerReplica a = replica("a");
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
        RunnerReplica a = replica("a");
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
        RunnerReplica a = replica("a");
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

    @Test
    void aSlotWhoseStartedRecordLandedRunsEvenIfTheDrainBeganMeanwhile() throws Exception {
        String lease = lease("started");
        RunnerReplica a = replica("a");
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
    void aRunsFinalRecordLandsEvenAfterItsWriterStoppedWaiting() throws Exception {
        String lease = lease("late");
        RunnerReplica a = replica("a");
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        // A runner that never waits for a write: every record is "late".
        JobRunner impatient = new JobRunner(RunnerSettings.of("a", a.electors::get).withClock(clock)
                .withWriteTimeout(Duration.ZERO));
        JobSpec job = JobSpec.of("late", lease);
        impatient.run(job, at("10:00:00"), false, void.class, () -> ran.add("ran"));
        assertEquals(1, ran.size());

        await().atMost(PATIENCE).until(() -> recordIn(lease, job).isPresent());
        assertEquals(at("10:00:00"), recordIn(lease, job).orElseThrow().slot(),
                "the record that keeps the next leader from running the slot again is written");
        assertEquals(Outcome.SUCCEEDED, recordIn(lease, job).orElseThrow().outcome());
    }
}
