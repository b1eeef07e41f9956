package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.SingletonRun;
import dev.baton.scheduling.records.JobSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.smallrye.mutiny.Uni;

/**
 * A run is told the moment its term ends, however it runs: a blocking method is interrupted, a {@code Uni} or a
 * {@code CompletionStage} is cancelled, {@code SingletonRun.isValid()} turns false; and a run that swallows its stop
 * is still recorded as stopped. On several replicas against one test API server ({@link ApiServerReplicas}).
 */
class RunStopsWithItsTermTest extends ApiServerReplicas {

    @Test
    void aLeaderLosingItsTermMidRunIsInterruptedAndSeesItsTermInvalid() throws Exception {
        String lease = lease("taken");
        List<RunnerReplica> all = List.of(replica("a"), replica("b"));
        all.forEach(r -> r.elect(lease));
        RunnerReplica leader = awaitLeader(all, lease);
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
        RunnerReplica a = replica("a");
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
        RunnerReplica a = replica("a");
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
        RunnerReplica a = replica("a");
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
    void aRunThatSwallowsItsStopIsRecordedInterruptedAndOnlyTheRunnersInterruptIsCleared() throws Exception {
        String lease = lease("swallow");
        RunnerReplica a = replica("a");
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
}
