package dev.baton.election;

import java.util.Optional;

import org.jboss.logging.Logger;

import dev.baton.LeaseRef;
import dev.baton.store.LeaseStoreException;

/**
 * An elector's API failures: each kind is said once, with what to fix (a 403 names the verb and the resource),
 * repeats only at DEBUG; the last one is kept for health, and the run of failures in a row paces the backoff.
 * Written on the elector's thread; {@link #last()} is read from anywhere.
 */
final class Failures {

    private static final Logger LOG = Logger.getLogger(Failures.class);

    private final LeaseRef lease;
    private volatile LeaseStoreException last;
    private int inARow;

    Failures(LeaseRef lease) {
        this.lease = lease;
    }

    /** A round failed with {@code e}. */
    void failed(LeaseStoreException e) {
        inARow++;
        LeaseStoreException previous = last;
        last = e;
        if (previous != null && previous.kind() == e.kind()) {
            LOG.debugf("Lease %s: still failing (%d in a row): %s", lease, inARow, e.getMessage());
        } else if (e.kind() == LeaseStoreException.Kind.FORBIDDEN) {
            LOG.errorf("Lease %s: %s. This replica cannot lead until RBAC allows it; retrying with backoff", lease,
                    e.getMessage());
        } else {
            LOG.warnf("Lease %s: %s (%s); retrying with backoff", lease, e.getMessage(), e.kind());
        }
    }

    /** A round reached the API and got an answer. */
    void answered() {
        if (inARow > 0) {
            LOG.infof("Lease %s: the API answers again after %d failed attempts", lease, inARow);
        }
        inARow = 0;
        last = null;
    }

    int inARow() {
        return inARow;
    }

    /** The failure of the last round, if it failed. */
    Optional<LeaseStoreException> last() {
        return Optional.ofNullable(last);
    }
}
