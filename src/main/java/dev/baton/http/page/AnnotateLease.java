package dev.baton.http.page;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;

/**
 * Sets or removes one annotation of a Lease the way {@code kubectl annotate} does: read, change that one key,
 * write back conditionally on the version read, and read again when someone wrote in between (the elector renews
 * the same Lease every retry period, and its job records are annotations too). Every other field and annotation is
 * written back exactly as read. The dev controls' write ({@link DevControlsResource}); not to be confused with
 * {@code dev.baton.scheduling.controls.LeaseControls}, the holder's side that acts on what is written.
 */
final class AnnotateLease {

    /** Re-reads after a conflict at most this many times: a renewal every retry period cannot win them all. */
    static final int ATTEMPTS = 5;

    /** What was written, or why not. */
    sealed interface Result {
    }

    /** The Lease now carries {@code value} under {@code key} (null: the key is absent). */
    record Written(String lease, String key, String value, String resourceVersion) implements Result {
    }

    /** The Lease does not exist (its elector has not created it yet, or someone deleted it). */
    record NoLease(String lease) implements Result {
    }

    /** Every attempt found the Lease changed since it was read. */
    record KeptChanging(String lease) implements Result {
    }

    private final LeaseStore store;

    AnnotateLease(LeaseStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Sets {@code key} to {@code value} on the Lease {@code lease}; a null value removes the key. */
    Result annotate(String lease, String key, String value) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<LeaseSnapshot> read = store.get(lease);
            if (read.isEmpty()) {
                return new NoLease(lease);
            }
            LeaseSnapshot snapshot = read.get();
            LeaseRecord r = snapshot.record();
            if (Objects.equals(r.annotation(key), value)) {
                return new Written(lease, key, value, snapshot.resourceVersion()); // already so: nothing to write
            }
            Map<String, String> annotations = new HashMap<>(r.annotations());
            if (value == null) {
                annotations.remove(key);
            } else {
                annotations.put(key, value);
            }
            Optional<LeaseSnapshot> written = store.update(snapshot, new LeaseRecord(r.holderIdentity(),
                    r.leaseDurationSeconds(), r.acquireTime(), r.renewTime(), r.leaseTransitions(), annotations));
            if (written.isPresent()) {
                return new Written(lease, key, value, written.get().resourceVersion());
            }
        }
        return new KeptChanging(lease);
    }
}
