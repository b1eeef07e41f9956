package dev.baton.election;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every elector of the process shares, so that their number does not grow with the number of Leases:
 * <ul>
 * <li>{@value #POOL_SIZE} threads {@code baton-elector-N} run the electors' work, each elector one task at a time
 * ({@link SerialExecutor}). A round blocks its thread for one API call, at most the client's request timeout
 * ({@code baton.api-request-timeout}); so while {@value #POOL_SIZE} Leases' calls hang, the other Leases' rounds wait
 * their turn. That delays, never endangers: a term ends at its deadline on the watchdog below, whatever the pool
 * does, and a standby that acts late only takes later. The bound is a constant, not a setting: four calls in flight
 * at once is ample for a process whose Leases renew every retry period, each call taking milliseconds.</li>
 * <li>One thread {@code baton-deadline} ends every elector's terms at their renew deadlines. It is separate from the
 * pool so that a deadline never waits behind an API call. It runs a term's end and its observers (which must not
 * block, as {@link ElectionObserver} says); the term is invalid from its deadline on whatever they do,
 * since {@link dev.baton.Term#isValid()} reads the clock.</li>
 * </ul>
 * Started by the first elector and stopped when the last one has closed ({@link #leave()}), so tests and
 * applications that close every elector leave no thread behind; a later elector starts them again.
 */
final class ElectorThreads {

    /** Threads running the electors' rounds, watch events and annotation writes. */
    static final int POOL_SIZE = 4;

    private static ElectorThreads current; // guarded by ElectorThreads.class

    private final ScheduledThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor watchdog;
    private int users; // guarded by ElectorThreads.class

    private ElectorThreads() {
        pool = new ScheduledThreadPoolExecutor(POOL_SIZE, numbered("baton-elector-"));
        // A standby's expiry timer and a leader's deadline are cancelled and set again all the time: do not keep the
        // cancelled ones queued until their (late) time comes.
        pool.setRemoveOnCancelPolicy(true);
        pool.prestartAllCoreThreads(); // a fixed count from the first elector on, as a thread dump shows it
        watchdog = new ScheduledThreadPoolExecutor(1, numbered("baton-deadline"));
        watchdog.setRemoveOnCancelPolicy(true);
        watchdog.prestartAllCoreThreads();
    }

    /** The process's shared threads, started if no elector uses them; pair with one {@link #leave()}. */
    static synchronized ElectorThreads join() {
        if (current == null) {
            current = new ElectorThreads();
        }
        current.users++;
        return current;
    }

    /** One user of {@link #join()} has closed; the last one stops the threads. */
    void leave() {
        synchronized (ElectorThreads.class) {
            if (--users > 0) {
                return;
            }
            if (current == this) {
                current = null;
            }
        }
        pool.shutdownNow();
        watchdog.shutdownNow();
    }

    /** A serial executor for one elector, on the shared pool; {@code name} appears in thread dumps. */
    SerialExecutor serial(String name) {
        return new SerialExecutor(name, pool);
    }

    /** The shared deadline watchdog. */
    ScheduledExecutorService watchdog() {
        return watchdog;
    }

    private static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, prefix.endsWith("-") ? prefix + n.incrementAndGet() : prefix);
            t.setDaemon(true);
            return t;
        };
    }
}
