package dev.baton.scheduling;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

/**
 * Makes a {@code @Scheduled} method a cluster singleton bound to a Lease term:
 *
 * <pre>
 * &#64;Scheduled(cron = "0 0/5 * * * ?", skipExecutionIf = LeaderOnly.class)
 * &#64;SingletonJob(lease = "nightly-report", catchUp = CatchUp.RUN_LATEST, startingDeadline = "2m")
 * void report() {
 *     SingletonRun run = SingletonRun.current().orElseThrow();
 *     if (run.isValid()) { store.write(run.epoch(), ...); }
 * }
 * </pre>
 *
 * A run starts only inside a valid term of its Lease (the service-wide one, or {@link #lease()}), and is told when
 * that term ends: a blocking method's thread is interrupted, a returned {@code Uni} is cancelled (and fails), a
 * returned {@code CompletionStage} is cancelled (advisory: cancelling a stage cannot stop the work behind it, which
 * must check {@link SingletonRun#isValid()}; the run is recorded INTERRUPTED when its stage is cancelled). The outcome of each run is recorded in the Lease (annotation
 * {@code baton.dev/job.<job id>}), where the next leader reads it: a slot recorded there is never run again.
 * Skipping with {@code skipExecutionIf = LeaderOnly.class} is optional (this annotation gates by itself) but makes
 * Quarkus report the skip as a {@code SkippedExecution}.
 * <p>
 * The job id is the {@code @Scheduled} identity when set, else {@code SimpleClassName.method}; it must fit an
 * annotation name (at most 59 characters of letters, digits, '-', '_' and '.'), or start-up fails naming it.
 * A method carrying this annotation without {@code @Scheduled} fails start-up too, and so does a class carrying it
 * (the type target exists only because CDI requires it of the interceptor).
 */
@InterceptorBinding
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
public @interface SingletonJob {

    /**
     * The job's own Lease name (a lower-case DNS name); empty for the service-wide Lease ({@code baton.lease-name}).
     * Jobs with their own Leases spread across replicas: a replica paces its attempts to take a free job Lease by
     * how many it already holds. Supports {@code ${property}} expressions.
     */
    @Nonbinding
    String lease() default "";

    /**
     * Spread this job over the replicas without a Lease of its own: it goes to one of twelve shard Leases, chosen
     * from its id, which the replicas share out and renew on a slower cadence; its record, run status and history go
     * to the shard's record Lease, written when runs end, not with every renewal. The way to spread more than a
     * handful of jobs: what it costs the API server does not grow with them (see {@code docs/api-cost.md}). Not with
     * {@link #lease()}.
     */
    @Nonbinding
    boolean spread() default false;

    /** What to do about a slot missed while no replica led (only for {@code cron} schedules). */
    @Nonbinding
    CatchUp catchUp() default CatchUp.SKIP;

    /**
     * With {@link CatchUp#RUN_LATEST}: the most recent missed slot is run only if it is at most this old when a term
     * begins (as CronJob's {@code startingDeadlineSeconds}); empty means no limit. A duration such as {@code 90s},
     * {@code 5m} or {@code PT1H}; supports {@code ${property}} expressions.
     */
    @Nonbinding
    String startingDeadline() default "";

    /**
     * How many times a failed run (an exception, or {@code TIMED_OUT}) is tried again on the holder, within the same
     * slot: after {@link #retryBackoff()}, doubling each time. Never after the term ended (a run interrupted by the end
     * of its term is not retried here; the next leader's rules apply), and never once the next slot is due. Each
     * attempt is recorded with its number ({@code attempt}). Needs a blocking method: a {@code Uni} retries itself
     * ({@code onFailure().retry()}).
     */
    @Nonbinding
    int retries() default 0;

    /** The wait before the first retry ({@code 10s}, {@code PT1M}), doubled before each further one. */
    @Nonbinding
    String retryBackoff() default "10s";

    /**
     * A run (each attempt) still going after this long is stopped as a run whose term ended is (its thread
     * interrupted, an async result cancelled, {@link SingletonRun#isValid()} false) and recorded {@code TIMED_OUT};
     * empty means no limit. A duration such as {@code 90s} or {@code 5m}; supports {@code ${property}} expressions.
     */
    @Nonbinding
    String timeout() default "";

    /** What a fire does while the previous run of this job still runs on this replica. */
    @Nonbinding
    Overlap overlap() default Overlap.SKIP;

    /** As CronJob's {@code concurrencyPolicy}, for the runs of one job on the holder. */
    enum Overlap {
        /**
         * The fire does not start a run while one of the same job is still going here (skip reason
         * {@code still-running}); that slot is not run later either. A run request waits for the running one to end.
         */
        SKIP,
        /** The fire starts a run beside the one still going (the records keep the newer slot). */
        ALLOW
    }

    /** Policy for slots that fell into a leaderless gap. */
    enum CatchUp {
        /** Missed slots are skipped and logged; the job next runs at its next slot. */
        SKIP,
        /**
         * When a term begins, the most recent slot that is newer than the job's recorded slot and not older than
         * {@link #startingDeadline()} is run once. A "started" record is written to the Lease before every run of
         * such a job, and the run does not happen if that write fails: a leader that crashes mid-run has already
         * recorded the slot, so no later leader runs it again (at most once per slot).
         */
        RUN_LATEST
    }
}
