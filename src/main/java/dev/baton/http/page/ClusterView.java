package dev.baton.http.page;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.baton.Term;
import dev.baton.clock.ClusterClock;
import dev.baton.election.LeaderElector;
import dev.baton.runtime.Elections;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;

/**
 * What the status page shows of the Leases, as this replica last saw them: the service-wide Lease and every job
 * Lease it takes part in. Standbys watch every Lease they contest, so any replica shows the cluster's view; nothing
 * here calls the API server, so the page's polling costs the cluster nothing.
 *
 * @param replica this replica's identity (the page names the replica that served it)
 * @param now this replica's wall clock when it answered (the page measures time from it, not from the browser's)
 * @param clockOffset this replica's clock minus the cluster's, for people
 * @param store where the Leases live, for people
 * @param devControls true when this build has the dev-only controls ({@code POST /baton/dev/...})
 * @param leases every Lease, the service-wide one first
 */
public record ClusterView(String replica, Instant now, String clockOffset, String store, boolean devControls,
        List<LeaseView> leases) {

    /**
     * One Lease.
     *
     * @param lease {@code namespace/name}, as {@code GET /jobs} names a job's Lease
     * @param name the Lease's name
     * @param serviceWide true for {@code baton.lease-name}
     * @param holder its holder as last seen; null when free
     * @param epoch {@code leaseTransitions}: the fencing token of the holder's term
     * @param since when the holder acquired it ({@code acquireTime}, the holder's clock)
     * @param renewed the holder's last renewal ({@code renewTime}, the holder's clock)
     * @param durationSeconds the holder's lease duration
     * @param heldHere true while this replica holds it in a valid term
     * @param updates {@code watch}, or {@code polling every ...} where watching is forbidden
     * @param error this replica's last failure on it, as health names it (kind, verb and resource)
     * @param controls the job controls set on it ({@link ShownControls}); no other annotation
     */
    public record LeaseView(String lease, String name, boolean serviceWide, String holder, Long epoch, Instant since,
            Instant renewed, Integer durationSeconds, boolean heldHere, String updates, String error,
            Map<String, String> controls) {
    }

    /** The view from {@code elections} now; reads memory only. */
    static ClusterView of(Elections elections, ClusterClock clock, boolean devControls, Clock wall) {
        String service = elections.settings().leaseName();
        List<LeaseView> leases = elections.all().stream()
                .map(e -> lease(e, e.settings().leaseName().equals(service)))
                .sorted(Comparator.comparing((LeaseView l) -> !l.serviceWide()).thenComparing(LeaseView::name))
                .toList();
        String store = elections.enabled() ? elections.store().describe() : "none (baton.enabled=false)";
        return new ClusterView(elections.identity(), wall.instant(), clock.current().describe(), store, devControls,
                leases);
    }

    private static LeaseView lease(LeaderElector e, boolean serviceWide) {
        Optional<LeaseRecord> record = e.observed().map(LeaseSnapshot::record);
        Map<String, String> controls = record.map(r -> ShownControls.of(r.annotations())).orElse(new TreeMap<>());
        Long epoch = e.currentTerm().map(Term::epoch)
                .or(() -> record.map(LeaseRecord::leaseTransitions).map(Integer::longValue)).orElse(null);
        return new LeaseView(e.lease().toString(), e.lease().name(), serviceWide, e.holder().orElse(null), epoch,
                record.map(LeaseRecord::acquireTime).orElse(null), record.map(LeaseRecord::renewTime).orElse(null),
                record.map(LeaseRecord::leaseDurationSeconds).orElse(null), e.isLeader(),
                e.isWatching() ? "watch" : "polling every " + e.settings().retryPeriod(),
                e.lastFailure().map(f -> f.kind() + ": " + f.getMessage()).orElse(null), controls);
    }
}
