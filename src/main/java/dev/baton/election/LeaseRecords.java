package dev.baton.election;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.baton.store.LeaseRecord;

/**
 * The Lease records this process writes, and how it recognises its own. A record is this process's when it names
 * both this identity and this process's random instance id ({@link LeaderElector#INSTANCE_ANNOTATION}), so two
 * processes configured with the same identity never take each other's record for their own.
 * <p>
 * Pure apart from the wall clock, which only fills {@code acquireTime} and {@code renewTime} for people reading
 * the Lease: no decision is ever taken on them (see the package documentation).
 */
final class LeaseRecords {

    private final String identity;
    private final String instanceId;
    private final int leaseSeconds;
    private final Clock wall;

    LeaseRecords(ElectionSettings settings, String instanceId, Clock wall) {
        this.identity = settings.identity();
        this.instanceId = instanceId;
        this.leaseSeconds = (int) settings.leaseDuration().toSeconds();
        this.wall = wall;
    }

    String instanceId() {
        return instanceId;
    }

    /** True when {@code record} was written by this process (not merely by this identity). */
    boolean isMine(LeaseRecord record) {
        return identity.equals(record.holderIdentity())
                && instanceId.equals(record.annotation(LeaderElector.INSTANCE_ANNOTATION));
    }

    /** The record that creates the Lease, at {@code epoch}. */
    LeaseRecord fresh(long epoch) {
        Instant now = wall.instant();
        return new LeaseRecord(identity, leaseSeconds, now, now, (int) epoch,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, instanceId));
    }

    /**
     * A new term over {@code previous}: a new holder, acquire time and epoch (one above both the Lease's count and
     * {@code highestEpochSeen}, so the epoch grows even when the same identity takes the Lease back or someone
     * lowered the count). Other annotations (job records) are kept.
     */
    LeaseRecord acquired(LeaseRecord previous, long highestEpochSeen) {
        Instant now = wall.instant();
        long last = Math.max(previous.leaseTransitions() == null ? -1 : previous.leaseTransitions(), highestEpochSeen);
        Map<String, String> annotations = new HashMap<>(previous.annotations());
        annotations.put(LeaderElector.INSTANCE_ANNOTATION, instanceId);
        annotations.remove(LeaderElector.RELEASED_BY_ANNOTATION);
        return new LeaseRecord(identity, leaseSeconds, now, now, (int) (last + 1), annotations);
    }

    /** The same term, renewed now. */
    LeaseRecord renewed(LeaseRecord previous) {
        return new LeaseRecord(identity, leaseSeconds, previous.acquireTime(), wall.instant(),
                previous.leaseTransitions(), previous.annotations());
    }

    /**
     * {@code previous} given up: no holder, a 1 s duration, and who released it, so standbys know the holder
     * stopped acting and take it at once. As client-go, acquireTime and leaseTransitions stay for the record.
     */
    LeaseRecord released(LeaseRecord previous) {
        Map<String, String> annotations = new HashMap<>(previous.annotations());
        annotations.remove(LeaderElector.INSTANCE_ANNOTATION);
        annotations.put(LeaderElector.RELEASED_BY_ANNOTATION, instanceId);
        return new LeaseRecord(null, 1, previous.acquireTime(), wall.instant(), previous.leaseTransitions(),
                annotations);
    }
}
