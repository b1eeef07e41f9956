package dev.baton.observability;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.baton.LeadershipLost;
import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.election.ElectionObserver;
import dev.baton.election.LeaderElector;
import dev.baton.runtime.Elections;
import dev.baton.store.LeaseStoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * Election and API metrics (Prometheus names in brackets), all tagged with the Lease's name:
 * <ul>
 * <li>{@code baton.leader} gauge [{@code baton_leader}]: 1 while this replica leads, else 0 (0 from start-up);</li>
 * <li>{@code baton.leadership.transitions} counter [{@code baton_leadership_transitions_total}]: terms begun
 * here; summed over replicas, the Lease's changes of holder;</li>
 * <li>{@code baton.leadership.lost} counter, tag {@code reason}: terms ended here, and why;</li>
 * <li>{@code baton.lease.renew} timer, tag {@code outcome} (success/failure) [{@code baton_lease_renew_seconds}]:
 * one leader's round, renewal included;</li>
 * <li>{@code baton.lease.acquire} timer, tag {@code outcome}: one candidate's round;</li>
 * <li>{@code baton.lease.renew.failures} counter, tag {@code cause}: failed renewals by kind (forbidden, timeout...);</li>
 * <li>{@code baton.api.errors} counter, tag {@code kind}: every failed call to the Lease API, leader or not;</li>
 * <li>{@code baton.api.throttled} counter [{@code baton_api_throttled_total}]: requests the API server answered 429
 * (too many requests), every verb and Lease, record writes and Events included; each is waited out as the answer
 * asks before the next attempt, and a leader keeps its term until the renew deadline meanwhile;</li>
 * <li>{@code baton.lease.watches} gauge [{@code baton_lease_watches}]: watch connections this replica holds open to
 * the API server, for all its Leases together: 1 with the shared watch, one per Lease where listing Leases is
 * forbidden, 0 while polling.</li>
 * </ul>
 * Per-job run metrics ({@code baton.job.*}) belong to the job gate.
 */
@Singleton
public class ElectionMetrics implements ElectionObserver {

    private final MeterRegistry registry;
    private final Elections elections;
    private final Set<String> gauges = ConcurrentHashMap.newKeySet();

    ElectionMetrics(MeterRegistry registry, Elections elections) {
        this.registry = registry;
        this.elections = elections;
    }

    /** The service Lease's gauge exists, at 0, before any election result: a scrape never misses it. */
    void onStart(@Observes StartupEvent event) {
        leaderGauge(elections.settings().leaseName());
        if (elections.enabled()) {
            Gauge.builder("baton.lease.watches", elections, e -> e.store().openWatches())
                    .description("Watch connections open to the API server, for all Leases together")
                    .register(registry);
            FunctionCounter.builder("baton.api.throttled", elections, e -> e.store().throttled())
                    .description("Requests the API server answered 429 (too many requests), every verb and Lease")
                    .register(registry);
        }
    }

    @Override
    public void leadershipAcquired(Term term) {
        String lease = term.lease().name();
        leaderGauge(lease);
        Counter.builder("baton.leadership.transitions").description("Terms begun on this replica")
                .tag("lease", lease).register(registry).increment();
    }

    @Override
    public void leadershipLost(LeadershipLost event) {
        Counter.builder("baton.leadership.lost").description("Terms ended on this replica, by reason")
                .tag("lease", event.lease().name()).tag("reason", tagValue(event.reason().name()))
                .register(registry).increment();
    }

    @Override
    public void attempted(LeaseRef ref, boolean asLeader, Duration latency, LeaseStoreException failure) {
        // The name only: the namespace is the pod's, already a label in Prometheus.
        String lease = ref.name();
        String outcome = failure == null ? "success" : "failure";
        Timer.builder(asLeader ? "baton.lease.renew" : "baton.lease.acquire")
                .description(asLeader ? "A leader's round against the Lease API" : "A candidate's round against the Lease API")
                .tag("lease", lease).tag("outcome", outcome)
                .register(registry).record(latency);
        if (failure != null) {
            String kind = tagValue(failure.kind().name());
            if (asLeader) {
                Counter.builder("baton.lease.renew.failures").description("Failed renewals, by cause")
                        .tag("lease", lease).tag("cause", kind).register(registry).increment();
            }
            Counter.builder("baton.api.errors").description("Failed calls to the Lease API, by kind")
                    .tag("kind", kind).register(registry).increment();
        }
    }

    private void leaderGauge(String lease) {
        if (gauges.add(lease)) {
            Gauge.builder("baton.leader", () -> isLeader(lease) ? 1 : 0)
                    .description("1 while this replica leads the Lease, else 0")
                    .tag("lease", lease).strongReference(true).register(registry);
        }
    }

    private boolean isLeader(String lease) {
        return elections.existing(lease).map(LeaderElector::isLeader).orElse(false);
    }

    private static String tagValue(String enumName) {
        return enumName.toLowerCase(Locale.ROOT);
    }
}
