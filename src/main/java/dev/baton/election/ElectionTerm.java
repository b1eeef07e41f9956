package dev.baton.election;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.baton.LeadershipLost;
import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.clock.Ticker;

/**
 * The elector's implementation of {@link Term}. Validity is a pure function of the monotonic clock and an
 * "ended" flag: it turns false at the renew deadline even if the thread that would notice is blocked in an API call.
 */
final class ElectionTerm implements Term {

    private final LeaseRef lease;
    private final String holder;
    private final long epoch;
    private final Instant startedAt;
    private final Ticker ticker;
    private final CompletableFuture<LeadershipLost.Reason> ended = new CompletableFuture<>();
    // Set under the elector's lock; the future is completed afterwards, outside it, because completing it runs the
    // listeners (jobs' cancellation hooks among them) on the completing thread.
    private volatile LeadershipLost.Reason endedFor;
    private volatile long deadlineNanos;

    ElectionTerm(LeaseRef lease, String holder, long epoch, Instant startedAt, Ticker ticker, long deadlineNanos) {
        this.lease = lease;
        this.holder = holder;
        this.epoch = epoch;
        this.startedAt = startedAt;
        this.ticker = ticker;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public LeaseRef lease() {
        return lease;
    }

    @Override
    public String holder() {
        return holder;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public boolean isValid() {
        return endedFor == null && ticker.nanos() - deadlineNanos < 0;
    }

    @Override
    public CompletionStage<LeadershipLost.Reason> ended() {
        return ended.minimalCompletionStage();
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    /**
     * A renewal succeeded: the term may act until {@code newDeadlineNanos}. Refused (false) once the term has ended
     * or its deadline has passed: a term that has reported itself invalid never becomes valid again.
     */
    synchronized boolean extend(long newDeadlineNanos) {
        if (!isValid()) {
            return false;
        }
        if (newDeadlineNanos - deadlineNanos > 0) {
            deadlineNanos = newDeadlineNanos;
        }
        return true;
    }

    /** Ends the term (it is invalid from now on); true for the call that ended it. Then {@link #announceEnd()}. */
    synchronized boolean end(LeadershipLost.Reason reason) {
        if (endedFor != null) {
            return false;
        }
        endedFor = reason;
        return true;
    }

    /** Completes {@link #ended()} for an ended term: runs its listeners on this thread. Call without locks held. */
    void announceEnd() {
        LeadershipLost.Reason reason = endedFor;
        if (reason != null) {
            ended.complete(reason);
        }
    }

    boolean isEnded() {
        return endedFor != null;
    }

    @Override
    public String toString() {
        return lease + " epoch " + epoch + " held by " + holder + (isValid() ? "" : " (ended)");
    }
}
