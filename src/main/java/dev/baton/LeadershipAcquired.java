package dev.baton;

/**
 * CDI event: this replica began a term on a Lease. Observers run on the elector's thread: keep them short, and
 * an exception they throw is logged, never propagated into the election.
 *
 * @param lease the Lease
 * @param holder the identity that now holds it: this replica's
 * @param term the term that began, as {@link LeadershipLost#term()} carries the term that ended
 */
public record LeadershipAcquired(LeaseRef lease, String holder, Term term) {

    /** The term's fencing token. */
    public long epoch() {
        return term.epoch();
    }

    /** @deprecated the holder has one name across the API: use {@link #holder()}. */
    @Deprecated(forRemoval = true)
    public String identity() {
        return holder;
    }
}
