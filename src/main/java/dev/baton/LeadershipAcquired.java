package dev.baton;

/**
 * CDI event: this replica began a term on a Lease. Observers run on the elector's thread: keep them short, and
 * an exception they throw is logged, never propagated into the election.
 */
public record LeadershipAcquired(LeaseRef lease, String identity, Term term) {

    public long epoch() {
        return term.epoch();
    }
}
