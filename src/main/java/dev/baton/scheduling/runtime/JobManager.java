package dev.baton.scheduling.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.baton.LeadershipAcquired;
import dev.baton.clock.ClusterClock;
import dev.baton.config.ApiRequestTimeout;
import dev.baton.config.BatonConfig;
import dev.baton.election.LeaderElector;
import dev.baton.runtime.Elections;
import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.gate.Overruns;
import dev.baton.scheduling.gate.ServiceLeaseHandover;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.run.JobRunner;
import dev.baton.scheduling.run.RunnerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * The CDI side of the application's singleton jobs (the {@link JobRunner} holds their policy and knows no CDI): it
 * builds the runner from the configuration and connects it to the application's life. At start-up the jobs are found
 * ({@link DiscoveredJobs}, each {@link SingletonJob} method invoked through {@link JobInvoker}) and their own Leases'
 * electors started ({@link JobLeases}); a term's start triggers catch-up; at shutdown ({@link GracefulHandover}) no
 * Lease is taken any more and the runs are drained before {@link Elections} releases the Leases. {@link LeaderOnly},
 * the interceptor and {@code GET /jobs} look jobs up here.
 */
@Singleton
public class JobManager implements Overruns {

    private static final Logger LOG = Logger.getLogger(JobManager.class);

    private final Elections elections;
    private final BatonConfig config;
    private final JobsConfig jobsConfig;
    private final JobRunner runner;
    private final DiscoveredJobs discovered;
    private final JobLeases leases;
    private final FiredSlots firedSlots = new FiredSlots();
    private final ServiceLeaseHandover serviceHandover;

    JobManager(Elections elections, BatonConfig config, JobsConfig jobsConfig, BeanManager beans,
            Instance<MeterRegistry> registries, ClusterClock clusterClock) {
        this.elections = elections;
        this.config = config;
        this.jobsConfig = jobsConfig;
        MeterRegistry meters = registries.isResolvable() ? registries.get() : new SimpleMeterRegistry();
        this.runner = new JobRunner(RunnerSettings.of(elections.identity(), this::elector).withMeters(meters)
                .withSidecar(config.mode() == BatonConfig.Mode.SIDECAR).withMaxRecords(jobsConfig.maxRecords())
                .withHistory(jobsConfig.history()).withWriteTimeout(recordWriteTimeout(config))
                .withClusterClock(clusterClock));
        this.discovered = new DiscoveredJobs(beans, config.leaseName(), runner::register);
        this.leases = new JobLeases(elections, config.leaseName(), jobsConfig, runner.clockSkew());
        this.serviceHandover = new ServiceLeaseHandover(runner.clockSkew(), this::serviceLeaseHasJobs,
                config.leaseDuration(), System::nanoTime);
    }

    /** True when the service Lease has jobs a replica whose clock is off would refuse: singleton or leader-only. */
    boolean serviceLeaseHasJobs() {
        if (config.mode() == BatonConfig.Mode.SIDECAR) {
            return false; // the jobs run in another process, which has clocks of its own
        }
        return discovered.anyGateOnly()
                || discovered.jobs().values().stream().anyMatch(s -> s.leaseName().equals(config.leaseName()));
    }

    /** What a replica whose clock is off does with the service Lease ({@link ClockSkewReleases}). */
    ServiceLeaseHandover serviceHandover() {
        return serviceHandover;
    }

    /**
     * How long a run waits for its record. A write is queued on the elector's thread, which may be in the middle of a
     * renewal, and then takes a GET and a PUT: up to three API requests, each up to the client's request timeout.
     * Giving up sooner would skip catch-up runs whose started record was merely slow.
     */
    static Duration recordWriteTimeout(BatonConfig config) {
        Duration requestTimeout = ApiRequestTimeout.of(config);
        Duration threeRequests = requestTimeout.multipliedBy(3);
        Duration deadlineAndAHalf = config.renewDeadline().multipliedBy(3).dividedBy(2);
        return threeRequests.compareTo(deadlineAndAHalf) > 0 ? threeRequests : deadlineAndAHalf;
    }

    void onStart(@Observes StartupEvent event) {
        discovered.discover();
        if (config.mode() == BatonConfig.Mode.SIDECAR) {
            if (!discovered.jobs().isEmpty()) {
                LOG.infof("Sidecar mode: %d singleton job(s) never run in this process", discovered.jobs().size());
            }
            return;
        }
        if (!config.enabled()) {
            return; // no election: job Leases are not contested either (and no elector sits unstarted)
        }
        // Before the service Lease's elector starts (Elections starts it after this observer): a replica whose clock
        // is off hands that Lease over when it has jobs, and takes it back only if nobody else does.
        elections.holdBackFromServiceLease(serviceHandover.pause());
        leases.start(discovered.jobLeases(), discovered::jobsOn);
    }

    void onAcquired(@Observes LeadershipAcquired event) {
        runner.termStarted(event.term());
    }

    /**
     * The first step of a graceful stop ({@link GracefulHandover}): no Lease is taken from here on, neither a job
     * Lease nor the service Lease (a standby stopping while its leader hands over must not take over only to hand
     * over in turn).
     */
    void stopTaking() {
        leases.stopTaking();
    }

    /**
     * Waits for the singleton runs to end (up to {@code baton.jobs.drain-timeout}, then stops them) and closes the
     * Leases of runs that ignored being stopped without releasing them: left to expire, as a release would let a
     * standby start at once and overlap with them. Their Leases are then left alone by {@link Elections#stop()}.
     */
    void drain() {
        elections.closeWithoutRelease(runner.drain(jobsConfig.drainTimeout()));
    }

    // ------------------------------------------------------------------ for the gate, the interceptor and /jobs

    /** The elector of the Lease {@code leaseName}, or null while it has not started. Never creates one. */
    public LeaderElector elector(String leaseName) {
        return leases.elector(leaseName);
    }

    /** The singleton job declared by a method ("Class#method"), if any. */
    public Optional<JobSpec> forMethod(String methodDescription) {
        return discovered.forMethod(methodDescription);
    }

    /** True when {@link LeaderOnly} has gated this trigger (a programmatic job using it). */
    public boolean seenByLeaderOnly(String triggerId) {
        return discovered.seenByLeaderOnly(triggerId);
    }

    /** The gate-only job of a trigger gated by {@link LeaderOnly} without {@code @SingletonJob}. */
    public JobSpec gateOnlyJob(String triggerId) {
        return discovered.gateOnly(triggerId);
    }

    /** A gate-only job on the service Lease for a trigger that is not a {@code @SingletonJob} (metrics tag only). */
    JobSpec gateOnly(String triggerId) {
        return discovered.gateOnly(triggerId);
    }

    /** Where {@link LeaderOnly} leaves the slot of a fire it let through, for the interceptor. */
    FiredSlots firedSlots() {
        return firedSlots;
    }

    /** Every discovered singleton job, by method description. */
    public Map<String, JobSpec> jobs() {
        return discovered.jobs();
    }

    /** The {@code @Scheduled} declarations of every bean's methods, as discovered at start-up. */
    public ScheduledMethods scheduledMethods() {
        return discovered.scheduledMethods();
    }

    public JobRunner runner() {
        return runner;
    }

    /** True when the Lease {@code leaseName} is a job's own Lease (not the service-wide one). */
    public boolean isJobLease(String leaseName) {
        return discovered.jobLeases().contains(leaseName);
    }

    @Override
    public List<Overrun> overruns() {
        return runner.overruns();
    }
}
