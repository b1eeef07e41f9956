package dev.baton.election;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * One elector's "thread" on a pool shared by every elector of the process: its tasks run one at a time, in the order
 * they were submitted, never two at once, on whichever pool thread is free. The elector relies on that (its state
 * machine, watch and annotation writes are confined to it) exactly as it relied on a thread of its own.
 * <p>
 * Written by hand because the JDK has no such class: a {@code ScheduledThreadPoolExecutor} of one thread per elector
 * is what made threads grow with the number of Leases, and a shared pool alone runs one elector's tasks in parallel.
 * (fabric8 has a {@code SerialExecutor}, but without delays, cancellation or shutdown.) Delays wait on the shared
 * pool's timer queue and then join this executor's queue; a cancelled delay does not run, even when its time came
 * and it is already queued. A task runs, then the next elector waiting gets the pool thread: one busy elector does
 * not starve the others.
 */
final class SerialExecutor implements Executor {

    /** A delayed task: {@link #cancel()} keeps it from running, also once it waits in the queue. */
    final class Delayed implements Runnable {
        private final Runnable task;
        private volatile boolean cancelled;
        private volatile Future<?> timer;

        private Delayed(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (!cancelled) {
                task.run();
            }
        }

        void cancel() {
            cancelled = true;
            Future<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    private static final Logger LOG = Logger.getLogger(SerialExecutor.class);

    private final String name;
    private final ScheduledExecutorService pool;
    private final Object lock = new Object();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean queued; // a drain is on the pool's queue or running
    private boolean shutdown;
    private Thread running;

    /** @param name said in a thread dump while one of this executor's tasks runs (the Lease) */
    SerialExecutor(String name, ScheduledExecutorService pool) {
        this.name = name;
        this.pool = pool;
    }

    /** Runs {@code task} after those submitted before it. Throws {@link RejectedExecutionException} once shut down. */
    @Override
    public void execute(Runnable task) {
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException(name + " is shut down");
            }
            queue.add(task);
            if (queued) {
                return;
            }
            queued = true;
        }
        submitDrain();
    }

    /** Runs {@code task} here after {@code delay}, unless cancelled first. */
    Delayed schedule(Runnable task, long delay, TimeUnit unit) {
        Delayed delayed = new Delayed(task);
        if (isShutdown()) {
            throw new RejectedExecutionException(name + " is shut down");
        }
        delayed.timer = pool.schedule(() -> {
            try {
                execute(delayed);
            } catch (RejectedExecutionException e) {
                // shut down meanwhile: nothing to run
            }
        }, delay, unit);
        return delayed;
    }

    boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    /** Runs nothing more (queued tasks are dropped) and interrupts the task running now, as the JDK's does. */
    void shutdownNow() {
        synchronized (lock) {
            shutdown = true;
            queue.clear();
            if (running != null) {
                running.interrupt();
            }
        }
    }

    private void submitDrain() {
        try {
            pool.execute(this::runOne);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                queued = false;
                queue.clear();
                shutdown = true;
            }
            throw e;
        }
    }

    private void runOne() {
        Runnable task;
        synchronized (lock) {
            task = queue.poll();
            if (task == null || shutdown) {
                queued = false;
                return;
            }
            running = Thread.currentThread();
        }
        Thread me = Thread.currentThread();
        String poolName = me.getName();
        me.setName(poolName + " " + name); // a thread dump names the Lease a stuck API call is for
        try {
            task.run();
        } catch (RuntimeException e) {
            // As the elector's own thread did, the executor outlives a failing task (its tasks guard themselves).
            LOG.warnf(e, "%s: a task failed", name);
        } finally {
            boolean more;
            synchronized (lock) {
                running = null;
                Thread.interrupted(); // an interrupt meant for this task must not reach the next elector's
                more = !queue.isEmpty() && !shutdown;
                if (!more) {
                    queued = false;
                }
            }
            me.setName(poolName);
            if (more) {
                submitDrainQuietly();
            }
        }
    }

    private void submitDrainQuietly() {
        try {
            submitDrain();
        } catch (RejectedExecutionException e) {
            // the shared pool stopped: every elector has closed
        }
    }
}
