package dev.baton.scheduling.gate;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.baton.election.LeaderElector;
import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.controls.Suspensions;
import dev.baton.scheduling.records.JobSpec;

/**
 * Whether this replica may run a job now, and if not why: the one decision behind {@link LeaderOnly}, the first
 * checks of every run ({@code GateLink}, {@code SuspendLink}) and {@code GET /jobs}. A non-blocking read of memory
 * (two flags, the elector's term and the Lease it last observed), so it is safe where Quarkus calls a skip predicate
 * on the event loop. It decides only; it writes nothing.
 */
public final class JobGate {

    private final boolean sidecar;
    private final BooleanSupplier draining;
    private final Function<String, LeaderElector> electors;
    private final Predicate<String> isSingletonJob;

    /**
     * @param sidecar true in sidecar mode, where singleton jobs never run
     * @param draining true once the application drains its runs at shutdown
     * @param electors the elector of a Lease name; null while that Lease's elector has not started
     * @param isSingletonJob whether a job id is a registered singleton job: only those can be suspended (a
     *        programmatic job gated by {@link LeaderOnly} has no controls)
     */
    public JobGate(boolean sidecar, BooleanSupplier draining, Function<String, LeaderElector> electors,
            Predicate<String> isSingletonJob) {
        this.sidecar = sidecar;
        this.draining = draining;
        this.electors = electors;
        this.isSingletonJob = isSingletonJob;
    }

    /**
     * Why {@code spec} would not run now ({@code sidecar}, {@code draining}, {@code not-leader}, {@code suspended}),
     * or empty.
     */
    public Optional<String> skipReason(JobSpec spec) {
        return termReason(spec).or(() -> suspended(spec).map(by -> "suspended"));
    }

    /** The annotation of the job's Lease, as last observed here, that suspends {@code spec}; empty when none does. */
    public Optional<String> suspended(JobSpec spec) {
        LeaderElector elector = electors.apply(spec.leaseName());
        if (elector == null || !isSingletonJob.test(spec.id())) {
            return Optional.empty();
        }
        return elector.observed().flatMap(s -> Suspensions.suspendedBy(spec, s.record().annotations()));
    }

    /**
     * Why this replica holds no valid term to run {@code spec} in ({@code sidecar}, {@code draining},
     * {@code not-leader}), or empty: the gate itself; {@code SuspendLink} comes after it, as a refused run request is
     * answered in the term.
     */
    public Optional<String> termReason(JobSpec spec) {
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
