package dev.baton.election;

import java.time.Duration;

/**
 * How long a candidate waits before it takes a Lease that no valid holder has (free, expired, or absent and about
 * to be created), given to an elector when it is built. Electors of several Leases use it to share them out over
 * replicas (see {@link LeaseSpreading}). It is never asked before a renewal, a release, or a leader recreating its
 * own deleted Lease: those are not takes.
 * <p>
 * The pause does not block the elector's thread: the round that found the Lease free ends without writing, and
 * the next round, after the pause, reads again and takes the Lease unless another replica took it meanwhile. A
 * pause is capped at half the retry period (a paced take should still come within one period), and abandoned when
 * the elector stops acquiring or closes. Called on the elector's thread; must not block.
 */
@FunctionalInterface
public interface PauseBeforeTaking {

    /** Never pauses: a candidate takes a free Lease at once. */
    PauseBeforeTaking NONE = () -> Duration.ZERO;

    /** The pause before this take; zero or negative for none. */
    Duration beforeTaking();

    /**
     * False while this candidate must not take the Lease at all, for a reason of its own that has nothing to do with
     * the Lease (a job Lease's replica whose wall clock is off cannot do that Lease's work, and holding it would only
     * keep a replica that can from taking it). Asked at every take, also the one a pause was for, before anything is
     * written; the round then ends without writing and the candidate reads again about a retry period later (not at
     * every watch event: it would poll). Renewals and releases never ask it: a holder that must give the Lease up
     * calls {@link LeaderElector#releaseNow()}. Called on the elector's thread; must not block.
     */
    default boolean mayTake() {
        return true;
    }

    /** This pause, and no take at all while {@code refuse} says so (see {@link #mayTake()}). */
    default PauseBeforeTaking refusingWhile(java.util.function.BooleanSupplier refuse) {
        PauseBeforeTaking pause = this;
        return new PauseBeforeTaking() {
            @Override
            public Duration beforeTaking() {
                return pause.beforeTaking();
            }

            @Override
            public boolean mayTake() {
                return !refuse.getAsBoolean() && pause.mayTake();
            }
        };
    }
}
