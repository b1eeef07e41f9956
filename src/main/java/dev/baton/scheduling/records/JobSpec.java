package dev.baton.scheduling.records;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.baton.scheduling.SingletonJob.CatchUp;

/**
 * One singleton job as the runner knows it, checked when built so that a bad declaration fails start-up naming
 * the job instead of failing its runs later.
 *
 * @param id the job id: names its record annotation {@code baton.dev/job.<id>}
 * @param leaseName the name of the Lease whose terms gate the job (its namespace is the store's)
 * @param catchUp the missed-slot policy
 * @param startingDeadline how old a missed slot may be and still be caught up; empty for no limit
 * @param schedule the schedule as declared, for people ({@code cron 0 * * * * ?}, {@code every 10s})
 * @param cron the cron slots, for cron schedules; catch-up needs them
 * @param every the interval of an {@code every} schedule, when it is one; bounds retries as cron's next slot does
 * @param options retries, timeout and overlap
 */
public record JobSpec(String id, String leaseName, CatchUp catchUp, Optional<Duration> startingDeadline, String schedule,
        Optional<CronSlots> cron, Optional<Duration> every, JobOptions options) {

    /** Annotation names allow 63 characters after the prefix; {@code job.} takes four. */
    private static final String ID = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,57}[A-Za-z0-9])?";
    private static final String LEASE = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?";

    public JobSpec {
        Objects.requireNonNull(catchUp, "catchUp");
        startingDeadline = startingDeadline == null ? Optional.empty() : startingDeadline;
        cron = cron == null ? Optional.empty() : cron;
        every = every == null ? Optional.empty() : every;
        options = options == null ? JobOptions.DEFAULTS : options;
        if (id == null || !id.matches(ID)) {
            throw new IllegalArgumentException("Invalid singleton job id '" + id + "': at most 59 letters, digits, "
                    + "'-', '_' or '.', starting and ending with a letter or digit (set @Scheduled(identity = ...))");
        }
        if (leaseName == null || !leaseName.matches(LEASE)) {
            throw new IllegalArgumentException("Invalid lease '" + leaseName + "' for singleton job " + id
                    + ": a Lease name is a lower-case DNS name, e.g. nightly-report");
        }
        if (catchUp == CatchUp.RUN_LATEST && cron.isEmpty() && !"off".equals(schedule)) {
            throw new IllegalArgumentException("Singleton job " + id + " asks for catchUp = RUN_LATEST but is not "
                    + "scheduled by cron (" + schedule + "): 'every' slots are not aligned across replicas, so a "
                    + "missed one cannot be named; use a cron schedule or catchUp = SKIP");
        }
        if (startingDeadline.filter(d -> d.isNegative() || d.isZero()).isPresent()) {
            throw new IllegalArgumentException("Singleton job " + id + ": startingDeadline must be positive, was "
                    + startingDeadline.get());
        }
    }

    /** A job with the default options (no retries, no timeout, no overlapping runs). */
    public JobSpec(String id, String leaseName, CatchUp catchUp, Optional<Duration> startingDeadline, String schedule,
            Optional<CronSlots> cron) {
        this(id, leaseName, catchUp, startingDeadline, schedule, cron, Optional.empty(), JobOptions.DEFAULTS);
    }

    /** A job without catch-up on the Lease {@code leaseName}, for tests and programmatic jobs. */
    public static JobSpec of(String id, String leaseName) {
        return new JobSpec(id, leaseName, CatchUp.SKIP, Optional.empty(), "programmatic", Optional.empty());
    }

    /** False when its schedule is {@code off}: Quarkus never fires it, and its Lease is not contested. */
    public boolean scheduled() {
        return !"off".equals(schedule);
    }

    /** The same job with other options. */
    public JobSpec withOptions(JobOptions options) {
        return new JobSpec(id, leaseName, catchUp, startingDeadline, schedule, cron, every, options);
    }

    /**
     * The job's first slot after {@code slot}, by its schedule (the next cron slot, or one interval later); empty
     * when the schedule names no slots (a programmatic job).
     */
    public Optional<Instant> nextSlotAfter(Instant slot) {
        if (cron.isPresent()) {
            return cron.get().next(slot);
        }
        return every.map(slot::plus);
    }

    /** The annotation that carries this job's last run. */
    public String recordKey() {
        return JobRecord.PREFIX + id;
    }

    /** The annotation that suspends this job: {@code baton.dev/suspend.<id>=true}. */
    public String suspendKey() {
        return ControlKeys.of(ControlKeys.SUSPEND, id);
    }

    /** The annotation an operator sets to ask for one run now: {@code baton.dev/run.<id>=<token>}. */
    public String runKey() {
        return ControlKeys.of(ControlKeys.RUN, id);
    }

    /** Where the holder keeps the last run request it claimed or answered. */
    public String runStatusKey() {
        return ControlKeys.of(ControlKeys.RUN_STATUS, id);
    }

    /** Where the holder keeps the job's last runs. */
    public String historyKey() {
        return ControlKeys.of(ControlKeys.HISTORY, id);
    }

    /** Where the holder keeps the tokens of earlier run requests when the history is written late (spread jobs). */
    public String answeredKey() {
        return ControlKeys.of(ControlKeys.ANSWERED, id);
    }
}
