package dev.baton.observability;

import java.time.Clock;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.baton.clock.ClusterClock;
import dev.baton.config.BatonConfig;
import dev.baton.runtime.Elections;
import dev.baton.scheduling.runtime.JobManager;
import dev.baton.scheduling.records.JobSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * The gauges the shipped alert rules read (src/main/kubernetes/monitoring/baton-alerts.yml, docs/alerts.md),
 * registered at start-up so that a scrape never misses them:
 * <ul>
 * <li>per singleton job, from its Lease: {@link JobGauges} (not in sidecar mode, which runs no job);</li>
 * <li>per Lease, the service's and each job's: {@link LeaseGauges} (not while election is off);</li>
 * <li>{@code baton_clock_refused}: 1 while this replica's clock is off the cluster's by more than
 * {@code baton.jobs.max-clock-skew}, so that it runs no slot and holds no job Lease, else 0.</li>
 * </ul>
 */
@Singleton
public class AlertMetrics {

    private final MeterRegistry registry;
    private final Elections elections;
    private final JobManager jobs;
    private final ClusterClock clock;
    private final BatonConfig config;

    AlertMetrics(MeterRegistry registry, Elections elections, JobManager jobs, ClusterClock clock,
            BatonConfig config) {
        this.registry = registry;
        this.elections = elections;
        this.jobs = jobs;
        this.clock = clock;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        Gauge.builder("baton.clock.refused", clock, c -> c.trust().refuses() ? 1 : 0)
                .description("1 while this replica's clock is off the cluster's by more than baton.jobs.max-clock-skew")
                .strongReference(true).register(registry);
        boolean sidecar = config.mode() == BatonConfig.Mode.SIDECAR;
        if (elections.enabled()) {
            LeaseGauges leases = new LeaseGauges(registry, jobs::elector, System::nanoTime);
            leases.register(config.leaseName());
            if (!sidecar) {
                jobs.jobs().values().stream().map(JobSpec::leaseName).distinct().forEach(leases::register);
            }
        }
        if (!sidecar) {
            JobGauges gauges = new JobGauges(registry, jobs.runner(), Clock.systemUTC());
            jobs.jobs().values().forEach(gauges::register);
        }
    }
}
