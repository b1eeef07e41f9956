package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;

/**
 * The job options that shape a run, on several replicas against the test API server: retries (each attempt recorded,
 * never past the term or into the next slot) and timeouts (the attempt interrupted and recorded {@code TIMED_OUT}).
 */
class JobOptionsTest extends ApiServerReplicas {

    @Test
    void aFailedRunIsRetriedInItsSlotAndEachAttemptIsRecorded() throws Exception {
        String lease = lease("retry");
        JobSpec job = JobSpec.of("flaky", lease).withOptions(JobOptions.DEFAULTS.withRetries(3, Duration.ofMillis(20)));
        RunnerReplica a = replica("a");
        AtomicInteger attempts = new AtomicInteger();
        a.register(job, ran, (replica, run) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("flaky " + attempts.get());
            }
            return null;
        });
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        a.fire(job, at("10:00:00"), ran);
        assertEquals(3, attempts.get());
        assertEquals(2, a.count("baton.job.retries", "job", "flaky"));
        assertEquals(2, a.count("baton.job.runs", "outcome", "failed"));
        List<JobRecord> history = awaitHistoryIn(lease, job, 3);
        assertEquals(List.of(3, 2, 1), history.stream().map(JobRecord::attempt).toList(), "newest first");
        assertEquals(List.of(Outcome.SUCCEEDED, Outcome.FAILED, Outcome.FAILED),
                history.stream().map(JobRecord::outcome).toList());
        assertTrue(history.stream().allMatch(h -> h.slot().equals(at("10:00:00"))), "all in the same slot");
        JobRecord record = recordIn(lease, job).orElseThrow();
        assertEquals(Outcome.SUCCEEDED, record.outcome());
        assertEquals(3, record.attempt());
    }

    @Test
    void retriesStopAtTheEndOfTheTerm() throws Exception {
        String lease = lease("retry-term");
        // A backoff far longer than the test: the wait is cut by the end of the term, not waited out.
        JobSpec job = JobSpec.of("doomed", lease)
                .withOptions(JobOptions.DEFAULTS.withRetries(5, Duration.ofSeconds(60)));
        RunnerReplica a = replica("a");
        AtomicInteger attempts = new AtomicInteger();
        a.register(job, ran, (replica, run) -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("always");
        });
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        awaitRenewals(a, lease); // attempt 1's record rides on a renewal of this term
        Future<Object> fired = pool.submit(() -> a.fire(job, at("10:00:00"), ran));
        await().atMost(PATIENCE).until(() -> recordIn(lease, job).isPresent()); // attempt 1 ended, now waiting

        a.electors.get(lease).releaseNow();
        ExecutionException thrown = assertThrows(ExecutionException.class,
                () -> fired.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, thrown.getCause(), "the last failure is what the fire gets");
        assertEquals(1, attempts.get(), "no attempt after the term ended");
        assertEquals(0, a.count("baton.job.retries", "job", "doomed"));

        // A run interrupted by the end of its term is not a failure to retry either.
        RunnerReplica b = replica("b");
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger interruptedAttempts = new AtomicInteger();
        b.register(job, ran, (replica, run) -> {
            interruptedAttempts.incrementAndGet();
            running.countDown();
            Thread.sleep(60_000);
            return null;
        });
        b.elect(lease);
        awaitLeader(List.of(b), lease);
        Future<Object> second = pool.submit(() -> b.fire(job, at("10:00:10"), ran));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        b.electors.get(lease).releaseNow();
        assertThrows(ExecutionException.class, () -> second.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(1, interruptedAttempts.get());
        assertEquals(1, b.count("baton.job.runs", "outcome", "interrupted"));
    }

    @Test
    void retriesNeverRunIntoTheNextSlot() throws Exception {
        String lease = lease("retry-slot");
        JobSpec job = minutely("edge", lease).withOptions(JobOptions.DEFAULTS.withRetries(3, Duration.ofMillis(100)));
        RunnerReplica a = replica("a");
        AtomicInteger attempts = new AtomicInteger();
        a.register(job, ran, (replica, run) -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("fails");
        });
        a.elect(lease);
        awaitLeader(List.of(a), lease);

        clock.set(Instant.parse("2026-01-01T10:00:59.950Z")); // 100 ms from now is the next slot, 10:01
        assertThrows(IllegalStateException.class, () -> a.fire(job, at("10:00:00"), ran));
        assertEquals(1, attempts.get(), "no retry once it would reach the next slot");

        clock.set(at("10:01:20")); // plenty of time before 10:02
        assertThrows(IllegalStateException.class, () -> a.fire(job, at("10:01:00"), ran));
        assertEquals(1 + 4, attempts.get(), "all retries when they fit in the slot");
    }

    @Test
    void aRunPastItsTimeoutIsInterruptedAndRecordedTimedOut() throws Exception {
        String lease = lease("timeout");
        JobSpec job = JobSpec.of("slow", lease).withOptions(JobOptions.DEFAULTS.withTimeout(Duration.ofMillis(300)));
        RunnerReplica a = replica("a");
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean validWhenInterrupted = new AtomicBoolean(true);
        a.register(job, ran, (replica, run) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
                validWhenInterrupted.set(run.isValid());
                throw e;
            }
            return null;
        });
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        Exception thrown = assertThrows(Exception.class, () -> a.fire(job, at("10:00:00"), ran));
        assertInstanceOf(InterruptedException.class, thrown);
        assertTrue(interrupted.get());
        assertFalse(validWhenInterrupted.get(), "told as a run whose term ended is");
        assertFalse(Thread.currentThread().isInterrupted(), "the runner's interrupt does not outlive the run");
        assertEquals(Outcome.TIMED_OUT, awaitRecordIn(lease, job, r -> true).outcome());
        assertEquals(1, a.count("baton.job.runs", "outcome", "timed_out"));
        assertTrue(a.runner.overruns().isEmpty());
        assertTrue(a.electors.get(lease).isLeader(), "the term goes on");

        // With retries, a timed-out attempt is tried again; one that swallows the interrupt is still TIMED_OUT.
        JobSpec retried = JobSpec.of("slow-then-fast", lease).withOptions(JobOptions.DEFAULTS
                .withTimeout(Duration.ofMillis(300)).withRetries(1, Duration.ofMillis(10)));
        AtomicInteger attempts = new AtomicInteger();
        a.register(retried, ran, (replica, run) -> {
            if (attempts.incrementAndGet() == 1) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // swallowed
                }
            }
            return null;
        });
        a.fire(retried, at("10:00:00"), ran);
        assertEquals(List.of(Outcome.SUCCEEDED, Outcome.TIMED_OUT),
                awaitHistoryIn(lease, retried, 2).stream().map(JobRecord::outcome).toList());
    }
}
