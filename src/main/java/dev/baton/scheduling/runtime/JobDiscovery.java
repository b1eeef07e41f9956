package dev.baton.scheduling.runtime;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import dev.baton.election.Shards;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.records.CronSlots;
import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobSpec;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Turns a {@link SingletonJob} method into a {@link JobSpec}, or fails naming the method and what is wrong. Reads
 * the method's {@code @Scheduled} by the scheduler's rules ({@link ScheduleValues}), so {@code ${...}} expressions
 * and {@code off} mean what they mean to the scheduler.
 */
final class JobDiscovery {

    private JobDiscovery() {
    }

    /** "fully.qualified.Class#method", as Quarkus's {@code Trigger#getMethodDescription()}. */
    static String describe(Method method) {
        return method.getDeclaringClass().getName() + "#" + method.getName();
    }

    static JobSpec spec(Method method, String serviceLease, String cronType) {
        // A @NonBlocking method runs on the event loop, where a catch-up job cannot wait for its started record:
        // treated like a reactive one.
        Class<?> returns = method.isAnnotationPresent(io.smallrye.common.annotation.NonBlocking.class) ? Uni.class
                : method.getReturnType();
        return spec(describe(method), method.getDeclaringClass().getSimpleName() + "." + method.getName(),
                method.getAnnotation(SingletonJob.class), Arrays.asList(method.getAnnotationsByType(Scheduled.class)),
                returns, serviceLease, cronType);
    }

    /**
     * @param where the method, for messages
     * @param defaultId the id when {@code @Scheduled} has no identity
     */
    static JobSpec spec(String where, String defaultId, SingletonJob singleton, List<Scheduled> schedules,
            Class<?> returns, String serviceLease, String cronType) {
        if (singleton == null) {
            throw new IllegalArgumentException(where + " is not annotated @SingletonJob");
        }
        if (schedules.isEmpty()) {
            throw new IllegalStateException("@SingletonJob on " + where + " needs @Scheduled: only scheduled methods "
                    + "can be singleton jobs (for programmatic jobs use setSkipPredicate(LeaderOnly.class))");
        }
        Scheduled first = schedules.get(0);
        String identity = resolve(first.identity());
        String id = identity.isEmpty() ? defaultId : identity;
        String lease = resolve(singleton.lease());
        CatchUp catchUp = singleton.catchUp();
        Optional<CronSlots> cron = Optional.empty();
        Optional<Duration> every = Optional.empty();
        String schedule;
        try {
            String cronExpr = resolve(first.cron());
            if (!cronExpr.isEmpty() && !ScheduleValues.isOff(cronExpr)) {
                ZoneId zone = first.timeZone().equals(Scheduled.DEFAULT_TIMEZONE) ? ZoneId.systemDefault()
                        : ZoneId.of(resolve(first.timeZone()));
                cron = Optional.of(new CronSlots(cronExpr, cronType, zone));
                schedule = "cron " + cronExpr;
            } else if (!cronExpr.isEmpty()) {
                schedule = "off";
            } else {
                String interval = resolve(first.every());
                schedule = interval.isEmpty() || ScheduleValues.isOff(interval) ? "off" : "every " + interval;
                every = schedule.equals("off") ? Optional.empty() : interval(interval);
            }
            if (schedules.size() > 1) {
                schedule = schedule + " (+" + (schedules.size() - 1) + " more)";
                if (catchUp == CatchUp.RUN_LATEST) {
                    throw new IllegalArgumentException("it has " + schedules.size() + " @Scheduled annotations; "
                            + "catchUp = RUN_LATEST needs exactly one cron schedule");
                }
            }
            if (catchUp == CatchUp.RUN_LATEST && (Uni.class.isAssignableFrom(returns)
                    || CompletionStage.class.isAssignableFrom(returns))) {
                throw new IllegalArgumentException("catchUp = RUN_LATEST needs a blocking method (it writes a started "
                        + "record before the run, and waits for it); this one returns " + returns.getSimpleName()
                        + " or is @NonBlocking");
            }
            Optional<Duration> deadline = Optional.of(resolve(singleton.startingDeadline())).filter(s -> !s.isEmpty())
                    .map(DurationConverter::parseDuration);
            JobOptions options = options(singleton, returns);
            if (singleton.spread() && !lease.isEmpty()) {
                throw new IllegalArgumentException("spread = true and lease = \"" + lease + "\" exclude each other: "
                        + "a spread job lives on a shard Lease, a job with a lease on its own");
            }
            String on = singleton.spread() ? Shards.shardLease(serviceLease, Shards.of(id))
                    : lease.isEmpty() ? serviceLease : lease;
            return new JobSpec(id, on, catchUp, deadline, schedule, cron, every,
                    options);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Invalid singleton job " + where + ": " + e.getMessage(), e);
        }
    }

    /** Retries, timeout and overlap, checked: a bad value fails start-up (the caller names the method). */
    private static JobOptions options(SingletonJob singleton, Class<?> returns) {
        Duration backoff = duration("retryBackoff", singleton.retryBackoff());
        Optional<Duration> timeout = Optional.of(resolve(singleton.timeout())).filter(s -> !s.isEmpty())
                .map(s -> duration("timeout", s));
        if (singleton.retries() > 0 && (Uni.class.isAssignableFrom(returns)
                || CompletionStage.class.isAssignableFrom(returns))) {
            throw new IllegalArgumentException("retries = " + singleton.retries() + " needs a blocking method (an "
                    + "attempt waits for the one before, and for its backoff, on the run's thread); this one returns "
                    + returns.getSimpleName() + " or is @NonBlocking: retry inside it (e.g. onFailure().retry())");
        }
        return new JobOptions(singleton.retries(), backoff, timeout, singleton.overlap());
    }

    private static Duration duration(String option, String value) {
        String resolved = resolve(value);
        Duration d;
        try {
            d = DurationConverter.parseDuration(resolved);
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null) {
            throw new IllegalArgumentException(option + " '" + resolved + "' is not a duration (e.g. 10s, 5m, PT1H)");
        }
        return d;
    }

    /** An {@code every} interval; empty when the scheduler's syntax is one this does not read (it bounds retries). */
    private static Optional<Duration> interval(String every) {
        try {
            return Optional.ofNullable(DurationConverter.parseDuration(every));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String resolve(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        return ScheduleValues.isConfigValue(value) ? ScheduleValues.lookUp(value) : value;
    }
}
