package dev.baton.election;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.baton.LeaderChanged;
import dev.baton.LeadershipLost;
import dev.baton.Term;

/** Records what an elector reported, with the monotonic time of each report. */
final class RecordingObserver implements ElectionObserver {

    /** {@code validWhenAnnounced}: whether the term was still valid at the moment it was reported. */
    record Acquired(Term term, long atNanos, boolean validWhenAnnounced) {
    }

    record Lost(LeadershipLost event, long atNanos) {
    }

    final List<Acquired> acquired = new CopyOnWriteArrayList<>();
    final List<Lost> lost = new CopyOnWriteArrayList<>();
    final List<LeaderChanged> changes = new CopyOnWriteArrayList<>();

    /**
     * The i-th term reported, waiting for the report: an elector answers {@code isLeader()} as soon as the term exists,
     * a moment before it tells its observers.
     */
    Acquired acquired(int i) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> acquired.size() > i);
        return acquired.get(i);
    }

    /** The i-th loss reported, waiting for the report (see {@link #acquired(int)}). */
    Lost lost(int i) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> lost.size() > i);
        return lost.get(i);
    }

    @Override
    public void leadershipAcquired(Term term) {
        acquired.add(new Acquired(term, System.nanoTime(), term.isValid()));
    }

    @Override
    public void leadershipLost(LeadershipLost event) {
        lost.add(new Lost(event, System.nanoTime()));
    }

    @Override
    public void leaderChanged(LeaderChanged event) {
        changes.add(event);
    }
}
