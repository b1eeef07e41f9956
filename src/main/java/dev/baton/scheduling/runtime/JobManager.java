package dev.baton.scheduling.runtime;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import dev.baton.LeadershipAcquired;
import dev.baton.clock.ClusterClock;
import dev.baton.config.ApiRequestTimeout;
import dev.baton.config.BatonConfig;
import dev.baton.election.LeaderElector;
import dev.baton.runtime.Elections;
import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.gate.ServiceLeaseHandover;
import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.run.JobRunner;
import dev.baton.scheduling.gate.Overruns;
import dev.baton.scheduling.run.PendingFire;
import dev.baton.scheduling.run.RunnerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * The CDI side of the application's singleton jobs (the {@link JobRunner} holds their policy and knows no CDI):
 * finds every {@link SingletonJob} method at start-up (failing boot, naming the method, for a bad one) and reads
 * every bean's {@code @Scheduled} declarations, starts the electors of per-job Leases one after another, and
 * connects the runner to CDI: term starts trigger catch-up; at shutdown ({@link GracefulHandover}) it stops taking
 * Leases and drains the runs before {@link Elections} releases the Leases. {@link LeaderOnly}, the interceptor and
 * {@code GET /jobs} look jobs up here.
 */
@Singleton
public class JobManager implements Overruns {

    private static final Logger LOG = Logger.getLogger(JobManager.class);

    private final Elections elections;
    private final BatonConfig config;
    private final JobsConfig jobsConfig;
    private final BeanManager beans;
    private final JobRunner runner;
    private final Map<String, JobSpec> byMethod = new ConcurrentHashMap<>();
    private final Map<String, LeaderElector> started = new ConcurrentHashMap<>();
    private final Set<String> jobLeases = ConcurrentHashMap.newKeySet();
    private final FiredSlots firedSlots = new FiredSlots();
    private final Map<String, JobSpec> gateOnly = new ConcurrentHashMap<>();
    private final ScheduledMethods scheduledMethods = new ScheduledMethods();
    private final ServiceLeaseHandover serviceHandover;
    private volatile boolean discovered;
    /** Evens out the shards of spread jobs among the replicas; null without spread jobs. */
    private volatile ShardBalancer balancer;
    /** Set first thing at shutdown: no job Lease is taken from then on. */
    private volatile boolean stopping;

    JobManager(Elections elections, BatonConfig config, JobsConfig jobsConfig, BeanManager beans,
            Instance<MeterRegistry> registries, ClusterClock clusterClock) {
        this.elections = elections;
        this.config = config;
        this.jobsConfig = jobsConfig;
        this.beans = beans;
        MeterRegistry meters = registries.isResolvable() ? registries.get() : new SimpleMeterRegistry();
        this.runner = new JobRunner(RunnerSettings.of(elections.identity(), this::elector).withMeters(meters)
                .withSidecar(config.mode() == BatonConfig.Mode.SIDECAR).withMaxRecords(jobsConfig.maxRecords())
                .withHistory(jobsConfig.history()).withWriteTimeout(recordWriteTimeout(config))
                .withClusterClock(clusterClock));
        this.serviceHandover = new ServiceLeaseHandover(runner.clockSkew(), this::serviceLeaseHasJobs,
                config.leaseDuration(), System::nanoTime);
    }

    /** True when the service Lease has jobs a replica whose clock is off would refuse: singleton or leader-only. */
    boolean serviceLeaseHasJobs() {
        if (config.mode() == BatonConfig.Mode.SIDECAR) {
            return false; // the jobs run in another process, which has clocks of its own
        }
        return !gateOnly.isEmpty()
                || byMethod.values().stream().anyMatch(s -> s.leaseName().equals(config.leaseName()));
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
        discover();
        if (config.mode() == BatonConfig.Mode.SIDECAR) {
            if (!byMethod.isEmpty()) {
                LOG.infof("Sidecar mode: %d singleton job(s) never run in this process", byMethod.size());
            }
            return;
        }
        if (!config.enabled()) {
            return; // no election: job Leases are not contested either (and no elector sits unstarted)
        }
        // Before the service Lease's elector starts (Elections starts it after this observer): a replica whose clock
        // is off hands that Lease over when it has jobs, and takes it back only if nobody else does.
        elections.holdBackFromServiceLease(serviceHandover.pause());
        startJobLeases();
        if (jobLeases.stream().anyMatch(this::isShard)) {
            balancer = new ShardBalancer(elections.identity(), this::shardElectors, elections.store(),
                    lease -> Optional.ofNullable(started.get(lease)).flatMap(LeaderElector::recordLease));
            balancer.start();
        }
    }

    private boolean isShard(String lease) {
        return dev.baton.election.Shards.shardOf(config.leaseName(), lease).isPresent();
    }

    /** The electors of the shards of spread jobs started so far. */
    private Map<String, LeaderElector> shardElectors() {
        Map<String, LeaderElector> shards = new java.util.HashMap<>();
        started.forEach((lease, e) -> {
            if (isShard(lease)) {
                shards.put(lease, e);
            }
        });
        return shards;
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
        // The flag also reaches an elector that the staggered start creates after this loop has run (see
        // startJobLeases).
        stopping = true;
        if (balancer != null) {
            balancer.stop(); // no shard asked for or handed over while the application stops
        }
        started.values().forEach(LeaderElector::stopAcquiring);
        elections.existing(config.leaseName()).ifPresent(LeaderElector::stopAcquiring);
    }

    /**
     * Waits for the singleton runs to end (up to {@code baton.jobs.drain-timeout}, then stops them) and closes the
     * Leases of runs that ignored being stopped without releasing them: left to expire, as a release would let a
     * standby start at once and overlap with them. Their Leases are then left alone by {@link Elections#stop()}.
     */
    void drain() {
        elections.closeWithoutRelease(runner.drain(jobsConfig.drainTimeout()));
    }

    /**
     * Finds and checks every {@code @SingletonJob} method of every bean, and reads every bean's {@code @Scheduled}
     * methods for {@code GET /jobs}; idempotent.
     */
    synchronized void discover() {
        if (discovered) {
            return;
        }
        String cronType = ConfigProvider.getConfig().getOptionalValue("quarkus.scheduler.cron-type", String.class)
                .orElse("quartz");
        Map<String, String> ids = new LinkedHashMap<>();
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            scheduledMethods.readBeanClass(bean.getBeanClass());
            if (bean.getBeanClass().isAnnotationPresent(SingletonJob.class)
                    && !bean.getBeanClass().isAnnotationPresent(jakarta.interceptor.Interceptor.class)) {
                throw new IllegalStateException("@SingletonJob on class " + bean.getBeanClass().getName()
                        + ": put it on each @Scheduled method that is a singleton job");
            }
            for (Class<?> c = bean.getBeanClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (!m.isAnnotationPresent(SingletonJob.class) || byMethod.containsKey(JobDiscovery.describe(m))) {
                        continue;
                    }
                    JobSpec spec = JobDiscovery.spec(m, config.leaseName(), cronType);
                    String other = ids.putIfAbsent(spec.id(), JobDiscovery.describe(m));
                    if (other != null) {
                        throw new IllegalStateException("Singleton jobs " + other + " and " + JobDiscovery.describe(m)
                                + " both have the id " + spec.id() + ": give one another @Scheduled(identity = ...)");
                    }
                    byMethod.put(JobDiscovery.describe(m), spec);
                    runner.register(spec, slot -> invoke(bean, m, slot));
                    if (!spec.leaseName().equals(config.leaseName()) && spec.scheduled()) {
                        jobLeases.add(spec.leaseName());
                    }
                    LOG.infof("Singleton job %s (%s) on lease %s, catch-up %s%s", spec.id(), spec.schedule(),
                            spec.leaseName(), spec.catchUp(), describeOptions(spec.options()));
                }
            }
        }
        discovered = true;
    }

    private static String describeOptions(JobOptions options) {
        return (options.retries() > 0 ? ", " + options.retries() + " retries from " + options.retryBackoff() : "")
                + options.timeout().map(t -> ", timeout " + t).orElse("")
                + (options.overlap() == SingletonJob.Overlap.ALLOW ? ", overlapping runs allowed" : "");
    }

    /** Starts the job Leases' electors one per spread step, so replicas starting together take them in turns. */
    private void startJobLeases() {
        List<String> leases = new ArrayList<>(jobLeases);
        leases.sort(null);
        if (leases.isEmpty()) {
            return;
        }
        dev.baton.election.LeaseSpreading.startOneByOne(leases, jobsConfig.spreadStep().multipliedBy(4), lease -> {
            if (!stopping) {
                // Spread over replicas, never taken by a replica whose clock is off (ClockSkew), nor once the
                // application stops: stopTaking() cannot reach an elector started after it looked.
                started.put(lease, elections.forLease(lease, runner.clockSkew().guarding(
                        dev.baton.election.LeaseSpreading.pausePerLeaseHeld(this::jobLeasesHeld,
                                jobsConfig.spreadStep())).refusingWhile(() -> stopping)));
            }
        });
    }

    private int jobLeasesHeld() {
        return (int) started.entrySet().stream().filter(e -> jobLeases.contains(e.getKey()) && e.getValue().isLeader())
                .count();
    }

    /**
     * The elector of the Lease {@code leaseName}, or null while it has not started. Never creates one: non-blocking.
     */
    public LeaderElector elector(String leaseName) {
        if (leaseName.equals(config.leaseName())) {
            LeaderElector e = started.get(leaseName);
            if (e == null) {
                e = elections.existing(leaseName).orElse(null);
                if (e != null) {
                    started.put(leaseName, e);
                }
            }
            return e;
        }
        return started.get(leaseName);
    }

    private Object invoke(Bean<?> bean, Method method, Instant slot) {
        jakarta.enterprise.context.spi.CreationalContext<?> context = beans.createCreationalContext(bean);
        Object instance = beans.getReference(bean, bean.getBeanClass(), context);
        try {
            // Called on the proxy, so the interceptor runs; virtual dispatch reaches the override even when the
            // method is package-private.
            method.setAccessible(true);
            RunTrigger trigger = Optional.ofNullable(byMethod.get(JobDiscovery.describe(method)))
                    .flatMap(spec -> PendingFire.of(spec.id())).map(PendingFire::trigger).orElse(RunTrigger.CATCH_UP);
            Object[] args = method.getParameterCount() == 1
                    ? new Object[] { new CatchUpExecution(method, slot, trigger) }
                    : new Object[0];
            return method.invoke(instance, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot call " + JobDiscovery.describe(method) + " to catch up", e);
        } finally {
            context.release(); // a @Dependent job bean made for this call is destroyed with it
        }
    }

    // ------------------------------------------------------------------ for the gate, the interceptor and /jobs

    /** The singleton job declared by a method ("Class#method"), if any. */
    public Optional<JobSpec> forMethod(String methodDescription) {
        if (methodDescription == null) {
            return Optional.empty();
        }
        if (!discovered) {
            discover();
        }
        return Optional.ofNullable(byMethod.get(methodDescription));
    }

    /** True when {@link LeaderOnly} has gated this trigger (a programmatic job using it). */
    public boolean seenByLeaderOnly(String triggerId) {
        return gateOnly.containsKey(triggerId);
    }

    /** The gate-only job of a trigger gated by {@link LeaderOnly} without {@code @SingletonJob}. */
    public JobSpec gateOnlyJob(String triggerId) {
        return gateOnly(triggerId);
    }

    /** A gate-only job on the service Lease for a trigger that is not a {@code @SingletonJob} (metrics tag only). */
    JobSpec gateOnly(String triggerId) {
        return gateOnly.computeIfAbsent(triggerId, id -> {
            String clean = id.replaceAll("[^-A-Za-z0-9_.]", "-").replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
            clean = clean.length() > 59 ? clean.substring(clean.length() - 59).replaceAll("^[^A-Za-z0-9]+", "") : clean;
            return JobSpec.of(clean.isEmpty() ? "job" : clean, config.leaseName());
        });
    }

    /** Where {@link LeaderOnly} leaves the slot of a fire it let through, for the interceptor. */
    FiredSlots firedSlots() {
        return firedSlots;
    }

    /** Every discovered singleton job, by method description. */
    public Map<String, JobSpec> jobs() {
        if (!discovered) {
            discover();
        }
        return Map.copyOf(byMethod);
    }

    /** The {@code @Scheduled} declarations of every bean's methods, as discovered at start-up. */
    public ScheduledMethods scheduledMethods() {
        if (!discovered) {
            discover();
        }
        return scheduledMethods;
    }

    public JobRunner runner() {
        return runner;
    }

    /** True when the Lease {@code leaseName} is a job's own Lease (not the service-wide one). */
    public boolean isJobLease(String leaseName) {
        return jobLeases.contains(leaseName);
    }

    @Override
    public List<Overrun> overruns() {
        return runner.overruns();
    }
}
