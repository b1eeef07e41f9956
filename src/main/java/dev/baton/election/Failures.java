package dev.baton.election;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.baton.LeaseRef;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * An elector's API failures: each kind is said once, with what to fix (a 403 names the verb and the resource),
 * repeats only at DEBUG; the last one is kept for health, and the run of failures in a row paces the backoff.
 * Written on the elector's thread; {@link #last()} is read from anywhere.
 * <p>
 * A 403 is told apart by whether its verb has worked on this Lease in this process ({@link #recording} sees every
 * call). On first use it is a missing grant: an ERROR at once, naming the verb to grant. For a verb that has worked,
 * it is most likely not: a real API server answers 403 to what its RBAC allows for a few seconds after it restarts
 * (its authorizer's cache is still empty), and a Role being edited does the same. That is a WARN, which becomes the
 * ERROR with the grant advice only if the refusal outlasts the renew deadline, counted from its first 403. Why that
 * bound rather than a number of attempts: it is the election's own tolerance for API trouble (a leader that cannot
 * renew for that long has lost its term, so from then on the refusal costs the cluster its leader and someone must
 * act), and it is a time, as the operator sees it, where a count would mean a different time for a leader (one
 * retry every retry period) and a standby (a backoff that grows).
 */
final class Failures {

    private static final Logger LOG = Logger.getLogger(Failures.class);
    private static final long NEVER = Long.MIN_VALUE;

    private final LeaseRef lease;
    private final Duration persistsAfter;
    private final LongSupplier nanos;
    /** The verbs the API server has let through on this Lease (an answer that is not a 403, a 409 included). */
    private final Set<String> allowed = ConcurrentHashMap.newKeySet();
    private volatile LeaseStoreException last;
    private int inARow;
    // Of the current run of failures, reset when a round is answered: each thing is said once, repeats at DEBUG.
    /** When the run's first 403 for an allowed verb came, or {@link #NEVER}. */
    private long refusedSince = NEVER;
    /** Whether that refusal has been reported (WARN). */
    private boolean refusalSaid;
    /** The verbs reported as missing grants in this run (ERROR). */
    private final Set<String> grantsSaid = new HashSet<>();

    /**
     * @param persistsAfter how long a 403 for a verb that has worked may last before it is reported as a missing
     *        grant: the renew deadline
     * @param nanos the elector's monotonic clock
     */
    Failures(LeaseRef lease, Duration persistsAfter, LongSupplier nanos) {
        this.lease = lease;
        this.persistsAfter = persistsAfter;
        this.nanos = nanos;
    }

    /** {@code store} as seen by this: every call's verb is noted, and a 403 says which verb it refused. */
    LeaseStore recording(LeaseStore store) {
        return new Recording(store);
    }

    /** A round failed with {@code e}. */
    void failed(LeaseStoreException e) {
        inARow++;
        LeaseStoreException previous = last;
        last = e;
        if (e.kind() == LeaseStoreException.Kind.FORBIDDEN) {
            forbidden(e);
        } else if (previous != null && previous.kind() == e.kind()) {
            LOG.debugf("Lease %s: still failing (%d in a row): %s", lease, inARow, e.getMessage());
        } else {
            LOG.warnf("Lease %s: %s (%s); retrying with backoff", lease, e.getMessage(), e.kind());
        }
    }

    private void forbidden(LeaseStoreException e) {
        String verb = e instanceof Refused r ? r.verb : "?";
        if (!allowed.contains(verb)) {
            if (grantsSaid.add(verb)) { // first use: the grant is missing, said at once
                LOG.errorf("Lease %s: %s. This replica cannot lead until RBAC allows it; retrying with backoff", lease,
                        e.getMessage());
                return;
            }
        } else {
            // One clock for the run, whichever allowed verb is refused: a leader refused 'update' that falls back to
            // 'get' is still in the same refusal.
            long now = nanos.getAsLong();
            if (refusedSince == NEVER) {
                refusedSince = now;
            }
            if (now - refusedSince >= persistsAfter.toNanos()) {
                if (grantsSaid.add(verb)) {
                    LOG.errorf("Lease %s: refused for %d ms (%d attempts in a row), past the renew deadline, though "
                            + "allowed before: %s. This replica cannot lead until RBAC allows it; retrying with "
                            + "backoff", lease, (now - refusedSince) / 1_000_000, inARow, e.getMessage());
                    return;
                }
            } else if (!refusalSaid) {
                refusalSaid = true;
                LOG.warnf("Lease %s: 403 on '%s', refused now, was allowed: the API server may be restarting or the "
                        + "Role changed; retrying with backoff (reported as a missing grant if it lasts past the renew "
                        + "deadline, %d ms)", lease, verb, persistsAfter.toMillis());
                return;
            }
        }
        LOG.debugf("Lease %s: still refused (%d in a row): %s", lease, inARow, e.getMessage());
    }

    /** A round reached the API and got an answer. */
    void answered() {
        if (inARow > 0) {
            LOG.infof("Lease %s: the API answers again after %d failed attempts", lease, inARow);
        }
        inARow = 0;
        last = null;
        refusedSince = NEVER;
        refusalSaid = false;
        grantsSaid.clear();
    }

    int inARow() {
        return inARow;
    }

    /** The failure of the last round, if it failed. */
    Optional<LeaseStoreException> last() {
        return Optional.ofNullable(last);
    }

    /** A 403 that names the verb it refused; otherwise the store's failure as it was (kind, status, message). */
    static final class Refused extends LeaseStoreException {

        final String verb;

        Refused(String verb, LeaseStoreException e) {
            super(e.kind(), e.status(), e.getMessage(), e.getCause());
            this.verb = verb;
            setStackTrace(e.getStackTrace());
        }
    }

    /** The elector's store, noting which verbs the API server let through and which one a 403 refused. */
    private final class Recording implements LeaseStore {

        private final LeaseStore store;

        Recording(LeaseStore store) {
            this.store = store;
        }

        @Override
        public Optional<LeaseSnapshot> get(String name) {
            return recorded("get", () -> store.get(name));
        }

        @Override
        public Optional<LeaseSnapshot> create(String name, LeaseRecord record) {
            return recorded("create", () -> store.create(name, record));
        }

        @Override
        public Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record) {
            return recorded("update", () -> store.update(previous, record));
        }

        /** Calls the store: an answer notes {@code verb} as let through, a 403 is re-thrown naming it. */
        private Optional<LeaseSnapshot> recorded(String verb, Supplier<Optional<LeaseSnapshot>> call) {
            try {
                Optional<LeaseSnapshot> answer = call.get();
                allowed.add(verb);
                return answer;
            } catch (LeaseStoreException e) {
                throw refused(verb, e);
            }
        }

        private LeaseStoreException refused(String verb, LeaseStoreException e) {
            return e.kind() == LeaseStoreException.Kind.FORBIDDEN ? new Refused(verb, e) : e;
        }

        @Override
        public AutoCloseable watch(String name, LeaseWatcher watcher) {
            return store.watch(name, watcher); // a refused watch is the watch supervisor's to report (it polls)
        }

        @Override
        public void recordEvent(String name, String reason, String message) {
            store.recordEvent(name, reason, message);
        }

        @Override
        public String namespace() {
            return store.namespace();
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public int openWatches() {
            return store.openWatches();
        }

        @Override
        public boolean embedded() {
            return store.embedded();
        }
    }
}
