package dev.baton.observability;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

import dev.baton.election.LeaderElector;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code baton_lease_held{lease}}: 1 while somebody holds the Lease as far as this replica can tell, else 0, on
 * every replica, so that {@code max by (lease) (baton_lease_held) == 0} says nobody leads. Whether this replica
 * leads is {@code baton_leader{lease}} ({@link ElectionMetrics}).
 * <p>
 * A holder that crashed leaves its name in the Lease; it is held only until the holder's lease duration has passed
 * without the Lease changing, judged as the elector judges expiry: by when this replica saw it change, on its
 * monotonic clock, never by the Lease's {@code renewTime}. The change is noticed when the gauge is read, so a
 * crashed holder is reported gone up to one scrape interval late, never early.
 */
public final class LeaseGauges {

    private final MeterRegistry registry;
    private final Function<String, LeaderElector> electors;
    private final LongSupplier nanos;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final java.util.Set<String> registered = ConcurrentHashMap.newKeySet();

    /** A Lease's content and when this replica first read it. */
    private record Seen(LeaseRecord record, long atNanos) {
    }

    /**
     * @param electors the elector of a Lease name; null while it has not started (the Lease is then not held as far
     *        as this replica can tell)
     * @param nanos a monotonic clock ({@code System::nanoTime})
     */
    public LeaseGauges(MeterRegistry registry, Function<String, LeaderElector> electors, LongSupplier nanos) {
        this.registry = registry;
        this.electors = electors;
        this.nanos = nanos;
    }

    /** Registers {@code lease}'s gauge; a second call for the same Lease changes nothing. */
    public void register(String lease) {
        if (!registered.add(lease)) {
            return; // the service Lease is often a job's too
        }
        Gauge.builder("baton.lease.held", lease, l -> held(l) ? 1 : 0)
                .description("1 while somebody holds the Lease, as this replica sees it, else 0")
                .tag("lease", lease).strongReference(true).register(registry);
    }

    boolean held(String lease) {
        LeaderElector elector = electors.apply(lease);
        if (elector == null) {
            return false;
        }
        if (elector.isLeader()) {
            return true;
        }
        LeaseRecord record = elector.observed().map(LeaseSnapshot::record).orElse(null);
        if (record == null || record.isFree()) {
            seen.remove(lease);
            return false;
        }
        long now = nanos.getAsLong();
        Seen s = seen.compute(lease, (k, before) -> before != null && Objects.equals(before.record(), record)
                ? before : new Seen(record, now));
        Integer seconds = record.leaseDurationSeconds();
        Duration duration = seconds != null && seconds > 0 ? Duration.ofSeconds(seconds)
                : elector.settings().leaseDuration();
        return now - s.atNanos() < duration.toNanos();
    }
}
