package dev.baton.scheduling.records;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.SingletonJob.Overlap;

/**
 * How a job's runs are made, beyond when and where: retries, timeout and overlap ({@link SingletonJob}'s options).
 * Checked when built, so that a bad value fails start-up naming the job.
 *
 * @param retries how many times a failed run is tried again within its slot (0: never)
 * @param retryBackoff the wait before the first retry, doubled before each further one
 * @param timeout how long one attempt may run before it is stopped and recorded {@code TIMED_OUT}; empty: no limit
 * @param overlap what a fire does while the previous run of the job still runs here
 */
public record JobOptions(int retries, Duration retryBackoff, Optional<Duration> timeout, Overlap overlap) {

    /** No retries, no timeout, no overlapping runs: what {@code @SingletonJob} gives without options. */
    public static final JobOptions DEFAULTS = new JobOptions(0, Duration.ofSeconds(10), Optional.empty(), Overlap.SKIP);

    public JobOptions {
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        Objects.requireNonNull(overlap, "overlap");
        timeout = timeout == null ? Optional.empty() : timeout;
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more, was " + retries);
        }
        if (retryBackoff.isNegative() || retryBackoff.isZero()) {
            throw new IllegalArgumentException("retryBackoff must be positive, was " + retryBackoff);
        }
        if (timeout.filter(d -> d.isNegative() || d.isZero()).isPresent()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout.get());
        }
    }

    public JobOptions withRetries(int retries, Duration backoff) {
        return new JobOptions(retries, backoff, timeout, overlap);
    }

    public JobOptions withTimeout(Duration timeout) {
        return new JobOptions(retries, retryBackoff, Optional.of(timeout), overlap);
    }

    public JobOptions withOverlap(Overlap overlap) {
        return new JobOptions(retries, retryBackoff, timeout, overlap);
    }
}
