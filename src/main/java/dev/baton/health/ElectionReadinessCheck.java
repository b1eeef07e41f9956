package dev.baton.health;

import java.util.Optional;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.baton.Term;
import dev.baton.clock.ClusterClock;
import dev.baton.election.LeaderElector;
import dev.baton.runtime.Elections;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;

/**
 * Readiness, carrying the election as the seed's {@code kubectl} views show it: role, Lease, holder, epoch, last
 * renewal, and where the Lease lives. A standby is ready (a rolling update must not wait for leadership) unless
 * {@code baton.health.ready-only-when-leader} says otherwise. Names and times only: nothing here is secret.
 * <p>
 * {@code clockOffset} shows this replica's wall-clock offset from the cluster's. It never makes the check DOWN: the
 * election does not depend on wall clocks, and a replica with a wrong clock still serves and still elects.
 */
@Readiness
@Singleton
public class ElectionReadinessCheck implements HealthCheck {

    static final String NAME = "baton-election";

    private final Elections elections;
    private final HealthConfig config;
    private final ClusterClock clock;

    ElectionReadinessCheck(Elections elections, HealthConfig config, ClusterClock clock) {
        this.elections = elections;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public HealthCheckResponse call() {
        Optional<LeaderElector> elector = ElectionState.serviceElector(elections);
        String role = ElectionState.role(elections, elector);
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .status(!config.readyOnlyWhenLeader() || role.equals("leader"))
                .withData("role", role)
                .withData("identity", elections.identity())
                .withData("clockOffset", clock.current().describe());
        if (config.readyOnlyWhenLeader()) {
            response.withData("readyOnlyWhenLeader", true);
        }
        if (elector.isEmpty()) {
            return response.withData("lease", elections.settings().leaseName()).build();
        }
        LeaderElector e = elector.get();
        response.withData("lease", e.lease().toString())
                .withData("holder", e.holder().orElse("none"))
                .withData("store", e.store().embedded()
                        ? "embedded (dev/test only: this process elects itself alone, no cluster involved)"
                        : e.store().describe())
                .withData("updates", e.isWatching() ? "watch" : "polling every " + e.settings().retryPeriod());
        Optional<LeaseRecord> record = e.observed().map(LeaseSnapshot::record);
        Optional<Long> epoch = e.currentTerm().map(Term::epoch)
                .or(() -> record.map(LeaseRecord::leaseTransitions).map(Integer::longValue));
        epoch.ifPresent(value -> response.withData("epoch", value));
        record.map(LeaseRecord::renewTime).ifPresent(time -> response.withData("lastRenewal", time.toString()));
        // The store's messages name the verb and the resource (e.g. a 403's missing verb), never credentials.
        e.lastFailure().ifPresent(f -> response.withData("error", f.kind() + ": " + f.getMessage()));
        return response.build();
    }
}
