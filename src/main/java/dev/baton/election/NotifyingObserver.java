package dev.baton.election;

import java.time.Duration;
import java.util.List;

import dev.baton.LeaderChanged;
import dev.baton.LeadershipLost;
import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.store.LeaseStoreException;

/**
 * The elector's observer: the one it was given, then its {@link LeaderElector#onChange} listeners, for what changes
 * the Lease or the term (a listener that throws is logged and the others still run).
 */
final class NotifyingObserver implements ElectionObserver {

    private final ElectionObserver observer;
    private final LeaseRef leaseRef;
    private final List<Runnable> changeListeners;

    NotifyingObserver(ElectionObserver observer, LeaseRef leaseRef, List<Runnable> changeListeners) {
        this.observer = observer;
        this.leaseRef = leaseRef;
        this.changeListeners = changeListeners;
    }

    private void notifyListeners() {
        for (Runnable listener : changeListeners) {
            Safely.run(leaseRef, listener);
        }
    }

    @Override
    public void leadershipAcquired(Term term) {
        observer.leadershipAcquired(term);
        notifyListeners();
    }

    @Override
    public void leadershipLost(LeadershipLost event) {
        observer.leadershipLost(event);
        notifyListeners();
    }

    @Override
    public void leaseChanged(LeaseRef lease) {
        observer.leaseChanged(lease);
        notifyListeners();
    }

    @Override
    public void leaderChanged(LeaderChanged event) {
        observer.leaderChanged(event);
    }

    @Override
    public void attempted(LeaseRef lease, boolean asLeader, Duration latency, LeaseStoreException failure) {
        observer.attempted(lease, asLeader, latency, failure);
    }
}
