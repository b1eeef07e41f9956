package dev.baton.scheduling.run;

import java.util.Optional;
import java.util.function.Function;

import dev.baton.Term;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.gate.JobGate;

/**
 * A run needs a valid term: passes only what {@link JobGate#termReason} lets through, and takes the elector's
 * current term, the one the run will be bound to and recorded under.
 *
 * @see SingletonJob
 */
final class GateLink implements RunLink {

    private final RunLink next;
    private final JobGate gate;
    private final Function<String, LeaderElector> electors;

    GateLink(RunLink next, JobGate gate, Function<String, LeaderElector> electors) {
        this.next = next;
        this.gate = gate;
        this.electors = electors;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        Optional<String> skip = gate.termReason(fire.spec);
        LeaderElector elector = electors.apply(fire.spec.leaseName());
        Term term = elector == null ? null : elector.currentTerm().orElse(null);
        if (skip.isEmpty() && term == null) {
            skip = Optional.of("not-leader"); // the term ended between the two reads
        }
        if (skip.isPresent()) {
            return new NotRun(skip.get());
        }
        fire.elector = elector;
        fire.term = term;
        return next.invoke(fire);
    }
}
