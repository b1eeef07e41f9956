package dev.baton.runtime;

import java.util.Optional;

import jakarta.inject.Singleton;

import dev.baton.Leadership;
import dev.baton.Leaderships;
import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.election.LeaderElector;

/**
 * The {@link Leaderships} bean: views of the electors {@link Elections} already runs. A view hands out only what
 * {@link Leadership} reads, never the elector itself (whose {@code releaseNow} and {@code closeAsync} would let a
 * reader end a term), and asking never creates or starts an elector.
 */
@Singleton
class ReadOnlyLeaderships implements Leaderships {

    private final Elections elections;
    private final Leadership service;

    ReadOnlyLeaderships(Elections elections, Leadership service) {
        this.elections = elections;
        this.service = service;
    }

    @Override
    public Leadership service() {
        return service;
    }

    @Override
    public Optional<Leadership> forLease(String name) {
        return elections.existing(name).map(View::new);
    }

    /** Reads through to the elector, each call a non-blocking read of what it last saw. */
    private record View(LeaderElector elector) implements Leadership {

        @Override
        public LeaseRef lease() {
            return elector.lease();
        }

        @Override
        public String identity() {
            return elector.identity();
        }

        @Override
        public Optional<String> holder() {
            return elector.holder();
        }

        @Override
        public Optional<Term> currentTerm() {
            return elector.currentTerm();
        }
    }
}
