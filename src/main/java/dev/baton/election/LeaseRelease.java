package dev.baton.election;

import java.util.Optional;
import java.util.function.Consumer;

import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * A term's last write: the leader gives the Lease up if it still shows this process (see
 * {@link LeaseRecords#released}), with the changes still queued by the term being given up, taken from
 * {@link PendingAnnotations} before that term ended. Conditional on the term's last version, so it lands only if
 * nobody else wrote since. Called by {@link ElectorStateMachine} on the elector's thread.
 */
final class LeaseRelease {

    private final LeaseStore store;
    private final ObservedLease lease;
    private final LeaseRecords records;
    private final Announcer announcer;
    private final Consumer<LeaseSnapshot> observe;

    /** @param observe notes the Lease as written (the state machine's own observation) */
    LeaseRelease(LeaseStore store, ObservedLease lease, LeaseRecords records, Announcer announcer,
            Consumer<LeaseSnapshot> observe) {
        this.store = store;
        this.lease = lease;
        this.records = records;
        this.announcer = announcer;
        this.observe = observe;
    }

    /** Releases the Lease with {@code carried} riding on the write; {@code carried} learns whether it landed. */
    void give(PendingAnnotations.Batch carried) {
        LeaseSnapshot last = lease.snapshot();
        if (last == null || !records.isMine(last.record())) {
            carried.dropped();
            return;
        }
        try {
            Optional<LeaseSnapshot> written = store.update(last, carried.applyTo(records.released(last.record())));
            written.ifPresent(observe);
            if (written.isPresent()) {
                carried.landed();
            } else {
                carried.dropped();
            }
            announcer.released(last.record(), written.isPresent());
        } catch (LeaseStoreException e) {
            carried.dropped();
            announcer.releaseFailed(e);
        }
    }
}
