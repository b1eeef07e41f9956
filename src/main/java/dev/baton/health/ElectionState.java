package dev.baton.health;

import java.util.Optional;

import dev.baton.election.LeaderElector;
import dev.baton.runtime.Elections;

/** The service-wide elector as health sees it: found without creating or starting it. */
final class ElectionState {

    private ElectionState() {
    }

    /** Empty while election is disabled or before start-up created the service elector. */
    static Optional<LeaderElector> serviceElector(Elections elections) {
        return elections.existing(elections.settings().leaseName());
    }

    /** {@code leader}, {@code standby} or {@code disabled}: what the replica does, in the seed's words. */
    static String role(Elections elections, Optional<LeaderElector> elector) {
        if (!elections.enabled()) {
            return "disabled";
        }
        return elector.map(e -> e.isLeader() ? "leader" : "standby").orElse("standby");
    }
}
