package dev.baton.scheduling.runtime;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.baton.LeadershipAcquired;
import dev.baton.runtime.Elections;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;

/**
 * For {@link GracefulHandoverTest}, inert unless its profile sets {@code test.handover.probe=true}: once this
 * process leads, it stops as on SIGTERM; a {@code ShutdownEvent} observer of default priority, as an application's
 * own would be, then says what the Lease showed when it ran.
 */
@Singleton
public class HandoverProbe {

    @ConfigProperty(name = "test.handover.probe", defaultValue = "false")
    boolean enabled;

    private final Elections elections;

    HandoverProbe(Elections elections) {
        this.elections = elections;
    }

    void acquired(@Observes LeadershipAcquired event) {
        if (enabled && elections.isServiceLease(event.lease())) {
            System.out.println("HandoverProbe: leading, stopping");
            Quarkus.asyncExit(); // the graceful path, as SIGTERM's shutdown hook takes it
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (enabled) {
            String holder = elections.store().get(elections.serviceLease().name()).map(LeaseSnapshot::record)
                    .map(LeaseRecord::holderIdentity).filter(h -> !h.isBlank()).orElse("nobody");
            System.out.println("HandoverProbe: at ShutdownEvent the Lease was held by " + holder);
        }
    }
}
