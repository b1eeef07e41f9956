package dev.baton.scheduling.runtime;

import java.lang.reflect.Method;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobSpec;

/**
 * The application's jobs as found at start-up: every {@link SingletonJob} method of every bean, checked (failing
 * boot, naming the method, for a bad one) and registered with the runner; every bean's {@code @Scheduled}
 * declarations, for {@code GET /jobs}; and the gate-only jobs of triggers {@link LeaderOnly} gates without
 * {@code @SingletonJob}. Looked up by the predicate, the interceptor and {@code GET /jobs}.
 */
final class DiscoveredJobs {

    private static final Logger LOG = Logger.getLogger(DiscoveredJobs.class);

    private final BeanManager beans;
    private final String serviceLease;
    private final JobInvoker invoker;
    /** Registers a job with the runner, with how to invoke it for a slot Baton fires itself. */
    private final BiConsumer<JobSpec, Function<Instant, Object>> register;
    private final Map<String, JobSpec> byMethod = new ConcurrentHashMap<>();
    private final Set<String> jobLeases = ConcurrentHashMap.newKeySet();
    /** How many scheduled singleton jobs each job Lease carries (the shards' weights when they are shared out). */
    private final Map<String, Integer> jobsOn = new ConcurrentHashMap<>();
    private final Map<String, JobSpec> gateOnly = new ConcurrentHashMap<>();
    private final ScheduledMethods scheduledMethods = new ScheduledMethods();
    private volatile boolean discovered;

    DiscoveredJobs(BeanManager beans, String serviceLease, BiConsumer<JobSpec, Function<Instant, Object>> register) {
        this.beans = beans;
        this.serviceLease = serviceLease;
        this.invoker = new JobInvoker(beans);
        this.register = register;
    }

    /** Finds, checks and registers the jobs, and reads the {@code @Scheduled} declarations; idempotent. */
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
                    JobSpec spec = JobDiscovery.spec(m, serviceLease, cronType);
                    String other = ids.putIfAbsent(spec.id(), JobDiscovery.describe(m));
                    if (other != null) {
                        throw new IllegalStateException("Singleton jobs " + other + " and " + JobDiscovery.describe(m)
                                + " both have the id " + spec.id() + ": give one another @Scheduled(identity = ...)");
                    }
                    byMethod.put(JobDiscovery.describe(m), spec);
                    register.accept(spec, slot -> invoker.invoke(bean, m, spec, slot));
                    if (!spec.leaseName().equals(serviceLease) && spec.scheduled()) {
                        jobLeases.add(spec.leaseName());
                        jobsOn.merge(spec.leaseName(), 1, Integer::sum);
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

    /** The singleton job declared by a method ("Class#method"), if any. */
    Optional<JobSpec> forMethod(String methodDescription) {
        if (methodDescription == null) {
            return Optional.empty();
        }
        discover();
        return Optional.ofNullable(byMethod.get(methodDescription));
    }

    /** Every singleton job, by method description. */
    Map<String, JobSpec> jobs() {
        discover();
        return Map.copyOf(byMethod);
    }

    /** The {@code @Scheduled} declarations of every bean's methods. */
    ScheduledMethods scheduledMethods() {
        discover();
        return scheduledMethods;
    }

    /** The Leases of their own that scheduled jobs declared (not the service-wide one). */
    Set<String> jobLeases() {
        return jobLeases;
    }

    /** How many scheduled singleton jobs {@code lease} carries; 0 for a Lease that is not a job Lease. */
    int jobsOn(String lease) {
        return jobsOn.getOrDefault(lease, 0);
    }

    /** True when {@link LeaderOnly} has gated some trigger that is not a {@code @SingletonJob}. */
    boolean anyGateOnly() {
        return !gateOnly.isEmpty();
    }

    /** True when {@link LeaderOnly} has gated this trigger (a programmatic job using it). */
    boolean seenByLeaderOnly(String triggerId) {
        return gateOnly.containsKey(triggerId);
    }

    /** A gate-only job on the service Lease for a trigger that is not a {@code @SingletonJob} (metrics tag only). */
    JobSpec gateOnly(String triggerId) {
        return gateOnly.computeIfAbsent(triggerId, id -> {
            String clean = id.replaceAll("[^-A-Za-z0-9_.]", "-").replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
            clean = clean.length() > 59 ? clean.substring(clean.length() - 59).replaceAll("^[^A-Za-z0-9]+", "") : clean;
            return JobSpec.of(clean.isEmpty() ? "job" : clean, serviceLease);
        });
    }
}
