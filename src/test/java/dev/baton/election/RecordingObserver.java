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
