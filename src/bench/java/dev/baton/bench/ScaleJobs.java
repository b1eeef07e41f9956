package dev.baton.bench;

import jakarta.enterprise.context.ApplicationScoped;

import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import io.quarkus.scheduler.Scheduled;

/**
 * Two trivial singleton jobs on the SCALE benchmark's first two job Leases ({@link ScaleLeases#leaseName}), so that
 * their holders write job records as a real service's do and the benchmark can tell those writes from renewals.
 * Both {@code off} unless configured ({@link ScaleConfig}).
 */
@ApplicationScoped
public class ScaleJobs {

    @Scheduled(identity = "scale-first", cron = "${baton.bench.scale.first-job-cron:off}",
            skipExecutionIf = LeaderOnly.class)
    @SingletonJob(lease = "scale-0000")
    void first() {
        // Nothing: the run's records are the point.
    }

    @Scheduled(identity = "scale-second", cron = "${baton.bench.scale.second-job-cron:off}",
            skipExecutionIf = LeaderOnly.class)
    @SingletonJob(lease = "scale-0001")
    void second() {
        // Nothing: the run's records are the point.
    }
}
