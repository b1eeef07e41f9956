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
