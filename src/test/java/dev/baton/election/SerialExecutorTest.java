package dev.baton.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One elector's work on the shared pool: in order, one task at a time, delays that can be cancelled also once due,
 * and nothing after shutdown; while other electors' work runs beside it on the same pool.
 */
class SerialExecutorTest {

    final ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(4);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void tasksRunInOrderAndNeverTwoAtOnceWhileOthersShareThePool() throws Exception {
        List<SerialExecutor> electors = IntStream.range(0, 8).mapToObj(i -> new SerialExecutor("e" + i, pool)).toList();
        List<List<Integer>> seen = electors.stream().map(e -> Collections.synchronizedList(new ArrayList<Integer>()))
                .toList();
        AtomicInteger[] inside = IntStream.range(0, 8).mapToObj(i -> new AtomicInteger()).toArray(AtomicInteger[]::new);
        AtomicBoolean overlapped = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(8 * 500);
        for (int n = 0; n < 500; n++) {
            for (int e = 0; e < 8; e++) {
                int task = n;
                int elector = e;
                electors.get(e).execute(() -> {
                    if (inside[elector].incrementAndGet() != 1) {
                        overlapped.set(true);
                    }
                    seen.get(elector).add(task);
                    Thread.yield();
                    inside[elector].decrementAndGet();
                    done.countDown();
                });
            }
        }
        assertTrue(done.await(20, TimeUnit.SECONDS));
        assertFalse(overlapped.get(), "two tasks of one elector ran at once");
        List<Integer> expected = IntStream.range(0, 500).boxed().toList();
        seen.forEach(s -> assertEquals(expected, s, "in the order submitted"));
    }

    @Test
    void aCancelledDelayDoesNotRunEvenWhenItIsAlreadyDue() throws Exception {
        SerialExecutor elector = new SerialExecutor("e", pool);
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean ran = new AtomicBoolean();
        elector.execute(() -> {
            blocking.countDown();
            await(release);
        });
        assertTrue(blocking.await(10, TimeUnit.SECONDS));
        // Due at once, but the elector is busy: the delay waits in its queue, where cancel() must still stop it.
        SerialExecutor.Delayed round = elector.schedule(() -> ran.set(true), 0, TimeUnit.NANOSECONDS);
        SerialExecutor.Delayed later = elector.schedule(() -> ran.set(true), 1, TimeUnit.HOURS);
        while (pool.getCompletedTaskCount() < 1) {
            Thread.onSpinWait(); // until the due timer has run, i.e. put the round in the elector's queue
        }
        round.cancel();
        later.cancel();
        CountDownLatch after = new CountDownLatch(1);
        elector.execute(after::countDown);
        release.countDown();
        assertTrue(after.await(10, TimeUnit.SECONDS));
        assertFalse(ran.get(), "a cancelled round ran");
    }

    @Test
    void aDelayRunsOnTheElectorAfterItsTime() throws Exception {
        SerialExecutor elector = new SerialExecutor("lease-x", pool);
        CountDownLatch ran = new CountDownLatch(1);
        List<String> thread = new ArrayList<>();
        elector.schedule(() -> {
            thread.add(Thread.currentThread().getName());
            ran.countDown();
        }, 10, TimeUnit.MILLISECONDS);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertTrue(thread.get(0).endsWith(" lease-x"), "a thread dump names the Lease: " + thread.get(0));
    }

    @Test
    void afterShutdownNothingRunsAndTheRunningTaskIsInterrupted() throws Exception {
        SerialExecutor elector = new SerialExecutor("e", pool);
        SerialExecutor other = new SerialExecutor("other", pool);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicBoolean queuedRan = new AtomicBoolean();
        elector.execute(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000); // an API call that hangs
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        elector.execute(() -> queuedRan.set(true));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        elector.shutdownNow();
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the hung task was interrupted");
        assertTrue(elector.isShutdown());
        assertThrows(RejectedExecutionException.class, () -> elector.execute(() -> queuedRan.set(true)));
        assertThrows(RejectedExecutionException.class, () -> elector.schedule(() -> queuedRan.set(true), 0,
                TimeUnit.SECONDS));
        // The pool lives on for the other electors, and their tasks are not interrupted by that shutdown.
        CountDownLatch otherRan = new CountDownLatch(1);
        AtomicBoolean otherInterrupted = new AtomicBoolean(true);
        other.execute(() -> {
            otherInterrupted.set(Thread.currentThread().isInterrupted());
            otherRan.countDown();
        });
        assertTrue(otherRan.await(10, TimeUnit.SECONDS));
        assertFalse(otherInterrupted.get());
        assertFalse(queuedRan.get(), "a task queued before the shutdown ran");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
