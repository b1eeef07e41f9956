package dev.baton.election;

import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.baton.LeaseRef;

/**
 * When a candidate holds back from a Lease it could compete for: for one lease duration after handing it over
 * ({@link LeaderElector#releaseNow()}, "step aside"), for a short pause before a take when the elector was
 * built with a {@link PauseBeforeTaking}, and for as long as that hook says the candidate may not take at all
 * ({@link PauseBeforeTaking#mayTake()}, asked again about every retry period). All end early when another holder
 * appears. The pause does not block the
 * elector's thread: the round that would take ends, and the round after the pause takes. Times are the elector's
 * monotonic nanos, passed in; confined to the elector's thread.
 */
final class HoldBack {

    private static final Logger LOG = Logger.getLogger(HoldBack.class);

    private enum Kind {
        NONE, STEP_ASIDE, PAUSE,
        /** The hook said this candidate may not take: no round until {@link #untilNanos}, then it is asked again. */
        REFUSED
    }

    private final LeaseRef lease;
    private final PauseBeforeTaking pauseBeforeTaking;
    private final Pacing pacing;
    private Kind kind = Kind.NONE;
    private long untilNanos;

    HoldBack(LeaseRef lease, PauseBeforeTaking pauseBeforeTaking, Pacing pacing) {
        this.lease = lease;
        this.pauseBeforeTaking = pauseBeforeTaking;
        this.pacing = pacing;
    }

    /** Steps aside until {@code untilNanos}: no round before then, unless another holder appears. */
    void stepAside(long untilNanos) {
        this.kind = Kind.STEP_ASIDE;
        this.untilNanos = untilNanos;
    }

    /** Another holder appeared (or this one began a term): nothing to step aside from, nothing left to take. */
    void end() {
        kind = Kind.NONE;
    }

    /**
     * Before a candidate's round at {@code nowNanos}: how long it must still wait (no round yet), or 0. A step-aside
     * that is over ends here; a pause that is over is kept for the take it was for, and a refusal that is over for
     * the take that asks the hook again.
     */
    long waitBeforeRound(long nowNanos) {
        if (kind == Kind.NONE) {
            return 0;
        }
        long left = untilNanos - nowNanos;
        if (left > 0) {
            return left;
        }
        if (kind == Kind.STEP_ASIDE) {
            kind = Kind.NONE;
        }
        return 0;
    }

    /**
     * The candidate's next round, when a hold-back decides it: the rest of a step-aside (0 once over) or of a pause
     * or refusal still running; {@link ElectorStateMachine#NONE} when nothing is held back and the Lease decides.
     */
    long nextRound(long nowNanos) {
        long left = untilNanos - nowNanos;
        if (kind == Kind.STEP_ASIDE) {
            return Math.max(left, 0);
        }
        return (kind == Kind.PAUSE || kind == Kind.REFUSED) && left > 0 ? left : ElectorStateMachine.NONE;
    }

    /**
     * At a take, at {@code nowNanos}: true when the candidate must pause first or may not take at all (the round ends
     * without writing), false when it takes now, because it may, and no pause is asked or this take has paused
     * already.
     */
    boolean pausesBeforeTaking(long nowNanos) {
        if (!pauseBeforeTaking.mayTake()) {
            // Asked first, also when a pause is over: what forbids the take may have begun during the pause.
            if (kind != Kind.REFUSED) {
                LOG.debugf("Lease %s: no valid holder, but this candidate may not take it now; looking again in "
                        + "about a retry period", lease);
            }
            kind = Kind.REFUSED;
            untilNanos = nowNanos + pacing.holdOff();
            return true;
        }
        if (kind == Kind.REFUSED) {
            kind = Kind.NONE; // allowed again: this take goes on as any other, with its pause if one is asked
        }
        if (kind == Kind.PAUSE) {
            if (untilNanos - nowNanos > 0) {
                return true; // still pausing (a round brought forward by a watch event)
            }
            kind = Kind.NONE; // paused already: this is the take it was for
            return false;
        }
        long pause = pacing.pause(pauseBeforeTaking.beforeTaking());
        if (pause == 0) {
            return false;
        }
        kind = Kind.PAUSE;
        untilNanos = nowNanos + pause;
        LOG.debugf("Lease %s: no valid holder; pausing %d ms before taking it, so that replicas holding fewer "
                + "Leases take it first", lease, TimeUnit.NANOSECONDS.toMillis(pause));
        return true;
    }
}
