package dev.baton.election;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;

/**
 * When an elector's next round runs, as a pure function of its state and the monotonic time: jitter, backoff after
 * failures, and a standby's single timer armed for the moment the Lease expires. Delays are in nanoseconds and never
 * negative. The elector picks the case (leader, failing candidate, holding back, standby); this class does the sums.
 */
final class Pacing {

    /** A standby acts this long after the moment it judges the Lease expired, never at that very moment. */
    private static final long PAST_EXPIRY = TimeUnit.MILLISECONDS.toNanos(1);
    /** A watching standby that found the Lease free but did not get it looks again this soon. */
    private static final long FREE_RECHECK = TimeUnit.MILLISECONDS.toNanos(100);

    private final long retry;
    private final long leaseDuration;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1): the jitter's source (client-go's {@code wait.Jitter}) */
    Pacing(ElectionSettings settings, DoubleSupplier random) {
        this.retry = settings.retryPeriod().toNanos();
        this.leaseDuration = settings.leaseDuration().toNanos();
        this.random = random;
    }

    /**
     * A leader's next renewal. Paced from when the last one was sent, so its latency does not eat the renew
     * deadline; after a failure sooner, within what is left of the deadline (half of it, at least a quarter period).
     */
    long renewal(long sentAtNanos, long deadlineNanos, boolean failed, long nowNanos) {
        long delay = sentAtNanos + jittered(retry) - nowNanos;
        if (failed) {
            long remaining = deadlineNanos - nowNanos;
            delay = Math.min(delay, Math.max(remaining / 2, retry / 4));
        }
        return Math.max(delay, 0);
    }

    /** A candidate's retry after {@code failuresInARow} failed rounds: the retry period doubling, at most the lease. */
    long backoff(int failuresInARow) {
        long doubled = retry << Math.min(Math.max(failuresInARow, 1) - 1, 16);
        return jittered(Math.min(doubled, leaseDuration));
    }

    /**
     * A standby's next round. Its own record without a term (a win that came back after the renew deadline): at
     * once. A free Lease whose holder vanished without releasing: once that holder's lease has run out. A free
     * Lease: soon (a watch reports a take by someone else). A held Lease: when it expires, and no sooner while a
     * watch reports every renewal; a poller reads every retry period until then.
     */
    long standby(ObservedLease lease, boolean watching, long nowNanos) {
        LeaseSnapshot s = lease.snapshot();
        long delay;
        if (s != null && lease.isMine()) {
            delay = 0;
        } else if (s == null || s.record().isFree()) {
            if (lease.vanishedHolderMayAct(nowNanos)) {
                delay = lease.vanishedHolderGoneAtNanos() - nowNanos + PAST_EXPIRY;
            } else {
                delay = watching ? Math.min(retry, FREE_RECHECK) : jittered(retry);
            }
        } else {
            LeaseRecord held = s.record();
            long untilExpiry = lease.expiresAtNanos(held) - nowNanos + PAST_EXPIRY;
            delay = watching ? untilExpiry : Math.min(jittered(retry), untilExpiry);
        }
        return Math.max(delay, 0);
    }

    /**
     * A delay after a failed round, made at least as long as the wait the API server asked for (a 429's Retry-After,
     * counted from its answer, which came before now). Never shortened, and not capped by the renew deadline: if
     * the server asks for longer than a leader's term has left, the term ends at its deadline as after any failure
     * (not before), and the Lease, which still names this replica, is taken back at the first round the server
     * accepts. A negative delay (no next round) stays as it is.
     */
    long asTold(long delayNanos, Optional<Duration> retryAfter) {
        if (delayNanos < 0 || retryAfter == null) {
            return delayNanos; // no next round at all, or no answer that asked for anything
        }
        return retryAfter.map(d -> Math.max(delayNanos, d.toNanos())).orElse(delayNanos);
    }

    /** The pause a candidate takes before a take, as asked: capped at half the retry period, never negative. */
    long pause(Duration asked) {
        return Math.max(0, Math.min(asked.toNanos(), retry / 2));
    }

    /**
     * When a candidate that may not take now ({@link PauseBeforeTaking#mayTake()}) looks again: one retry period,
     * jittered. Soon enough to take the Lease shortly after it may; never a watch event's immediate round, which for a
     * free Lease would be a read every 100 ms.
     */
    long holdOff() {
        return jittered(retry);
    }

    /** {@code nanos} plus up to {@link ElectionSettings#JITTER} - 1 of it, so replicas do not act in lockstep. */
    long jittered(long nanos) {
        return nanos + (long) (random.getAsDouble() * (ElectionSettings.JITTER - 1) * nanos);
    }
}
