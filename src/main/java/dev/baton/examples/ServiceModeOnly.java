package dev.baton.examples;

import jakarta.inject.Singleton;

import dev.baton.config.BatonConfig;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Skips a per-replica example when the process runs as the seed's leader-elector sidecar: a sidecar serves the
 * leader's name to another container and has no work of its own (singleton jobs are refused there by the gate).
 */
@Singleton
@IfBuildProperty(name = ExamplesConfig.ENABLED, stringValue = "true")
public class ServiceModeOnly implements Scheduled.SkipPredicate {

    private final boolean sidecar;

    ServiceModeOnly(BatonConfig config) {
        this.sidecar = config.mode() == BatonConfig.Mode.SIDECAR;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return sidecar;
    }
}
