package dev.baton.scheduling.runtime;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.baton.clock.ClusterClock;
import dev.baton.clock.Ticker;
import dev.baton.config.BatonConfig;
import io.quarkus.runtime.Startup;

/**
 * Makes the application's {@link ClusterClock}, giving it the skew limit of the jobs' configuration: the limit is a
 * jobs policy, so the clock package receives it as a value instead of reading {@link JobsConfig}. Created at start-up
 * so that a bad limit fails the boot before any job runs.
 */
@Singleton
class ClusterClockProducer {

    @Produces
    @Startup
    @Singleton
    ClusterClock clusterClock(BatonConfig config, JobsConfig jobs) {
        return new ClusterClock(config.store() == BatonConfig.StoreKind.EMBEDDED, jobs.maxClockSkew(),
                Clock.systemUTC(), Ticker.SYSTEM);
    }
}
