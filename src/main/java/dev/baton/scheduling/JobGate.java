package dev.baton.scheduling;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import dev.baton.election.LeaderElector;

/**
 * Whether this replica may run a job now, and if not why: the one decision behind {@link LeaderOnly}, the first
 * check of every run ({@link GateLink}) and {@code GET /jobs}. A non-blocking read of memory (two flags and the
 * elector's term), so it is safe where Quarkus calls a skip predicate on the event loop. It decides only; it writes
 * nothing.
 */
final class JobGate {

    private final boolean sidecar;
    private final BooleanSupplier draining;
    private final Function<String, LeaderElector> electors;

    /**
     * @param sidecar true in sidecar mode, where singleton jobs never run
     * @param draining true once the application drains its runs at shutdown
     * @param electors the elector of a Lease name; null while that Lease's elector has not started
     */
    JobGate(boolean sidecar, BooleanSupplier draining, Function<String, LeaderElector> electors) {
        this.sidecar = sidecar;
        this.draining = draining;
        this.electors = electors;
    }

    /** Why {@code spec} would not run now ({@code sidecar}, {@code draining}, {@code not-leader}), or empty. */
    Optional<String> skipReason(JobSpec spec) {
        if (sidecar) {
            return Optional.of("sidecar");
        }
        if (draining.getAsBoolean()) {
            return Optional.of("draining");
        }
        LeaderElector elector = electors.apply(spec.leaseName());
        return elector != null && elector.isLeader() ? Optional.empty() : Optional.of("not-leader");
    }
}
