package dev.baton.store;

import java.time.Instant;
import java.util.Map;

/**
 * The election-relevant content of a Lease, neutral of any client library: the spec fields of
 * {@code coordination.k8s.io/v1} plus the object's annotations (where Baton keeps its instance id and job history).
 * <p>
 * Any field may be null when someone else wrote the Lease: the elector treats absent values explicitly and never
 * judges expiry by {@code renewTime} (see {@code dev.baton.election}).
 */
public record LeaseRecord(
        String holderIdentity,
        Integer leaseDurationSeconds,
        Instant acquireTime,
        Instant renewTime,
        Integer leaseTransitions,
        Map<String, String> annotations) {

    public LeaseRecord {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** True when nobody holds the Lease: no holder, or an empty one (as client-go writes on release). */
    public boolean isFree() {
        return holderIdentity == null || holderIdentity.isBlank();
    }

    public String annotation(String key) {
        return annotations.get(key);
    }
}
