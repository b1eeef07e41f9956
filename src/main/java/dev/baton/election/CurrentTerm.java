package dev.baton.election;

import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import dev.baton.LeadershipLost.Reason;
import dev.baton.LeaseRef;
import dev.baton.clock.Ticker;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseStoreException;

/**
 * The life of an elector's terms: one begins on a win, valid until the renew deadline counted from when the
 * winning write was sent; each renewal extends it the same way; it ends once, for one reason, and is announced.
 * <p>
 * A watchdog on a thread of its own (one for every elector of the process, see {@link ElectorThreads}) ends a term
 * at its deadline, so it ends on time even while the elector's work is stuck in a slow API call. A term may thus end
 * on either thread: beginning, extending and ending share one lock.
 */
final class CurrentTerm {

    private final LeaseRef lease;
    private final ElectionSettings settings;
    private final Ticker ticker;
    private final Announcer announcer;
    private final BooleanSupplier stopping;
    private final ScheduledExecutorService watchdog;
    private final Object lock = new Object();
    private volatile ElectionTerm term;
    private volatile Function<LeaseRecord, LeaseStoreException> fence = won -> null;
    private ScheduledFuture<?> timer;

    /**
     * @param stopping true once the elector closes (a term ending then records no Kubernetes Event)
     * @param watchdog the shared deadline watchdog: never a thread that makes API calls
     */
    CurrentTerm(LeaseRef lease, ElectionSettings settings, Ticker ticker, Announcer announcer,
            BooleanSupplier stopping, ScheduledExecutorService watchdog) {
        this.lease = lease;
        this.settings = settings;
        this.ticker = ticker;
        this.announcer = announcer;
        this.stopping = stopping;
        this.watchdog = watchdog;
    }

    /** The term in progress, or null: none, or it has just ended. Any thread. */
    ElectionTerm get() {
        ElectionTerm t = term;
        return t == null || t.isEnded() ? null : t;
    }

    /**
     * What a won term waits for before it begins (a shard's record Lease fenced by it, {@link RecordLease}): null when
     * done, else why not, and the win begins no term.
     */
    void fenceWith(Function<LeaseRecord, LeaseStoreException> before) {
        fence = before;
    }

    /** The fence of a win now showing {@code won}; null when it may begin its term. */
    LeaseStoreException fenced(LeaseRecord won) {
        return fence.apply(won);
    }

    /** A write sent at {@code sentAtNanos} won the Lease, now showing {@code won}: its term begins. */
    ElectionTerm begin(LeaseRecord won, long sentAtNanos) {
        long epoch = won.leaseTransitions() == null ? 0 : won.leaseTransitions();
        ElectionTerm started = new ElectionTerm(lease, settings.identity(), epoch,
                won.acquireTime() == null ? Instant.now() : won.acquireTime(), ticker, deadlineFor(sentAtNanos));
        synchronized (lock) {
            term = started;
        }
        // Announced before the watchdog is armed, so that "lost" never reaches observers before "acquired" (a win
        // answered just inside the renew deadline). Validity does not wait for the watchdog: it is judged on the clock.
        announcer.began(started);
        arm(started);
        return started;
    }

    /**
     * A renewal sent at {@code sentAtNanos} succeeded. False when the term had already reported itself invalid (its
     * deadline passed while the answer was on its way): it is over, and the caller ends it.
     */
    boolean extend(ElectionTerm t, long sentAtNanos) {
        if (!t.extend(deadlineFor(sentAtNanos))) {
            return false;
        }
        arm(t);
        return true;
    }

    /** Ends {@code ending} for {@code reason}, once, whichever thread gets here first, and announces it. */
    void end(ElectionTerm ending, Reason reason, String newHolder) {
        synchronized (lock) {
            if (!ending.end(reason)) {
                return;
            }
            if (term == ending) {
                term = null;
            }
            if (timer != null) {
                timer.cancel(false);
            }
        }
        // Outside the lock: the term's listeners (e.g. the job runner stopping runs) must never hold up the elector.
        ending.announceEnd();
        announcer.ended(ending, reason, newHolder, stopping.getAsBoolean());
    }

    /** Cancels this elector's deadline timer (the watchdog is shared); a term in progress stays valid until then. */
    void shutdown() {
        synchronized (lock) {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    private long deadlineFor(long sentAtNanos) {
        return sentAtNanos + settings.renewDeadline().toNanos();
    }

    private void arm(ElectionTerm t) {
        synchronized (lock) {
            if (timer != null) {
                timer.cancel(false);
            }
            long delay = Math.max(0, t.deadlineNanos() - ticker.nanos());
            try {
                timer = watchdog.schedule(() -> {
                    if (!t.isEnded() && !t.isValid()) {
                        end(t, Reason.RENEW_DEADLINE_PASSED, null);
                    }
                }, delay, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // shut down: the elector is closing, and the term's validity still ends by the clock
            }
        }
    }
}
