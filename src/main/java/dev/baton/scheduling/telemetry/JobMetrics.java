package dev.baton.scheduling.telemetry;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The singleton jobs' meters, in one place so that the run's links only say what happened: {@code baton.job.runs}
 * by outcome, {@code baton.job.skips} by reason, {@code baton.job.retries} and the {@code baton.job.duration} timer,
 * each tagged with the job.
 */
public final class JobMetrics {

    private final MeterRegistry meters;

    public JobMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** A fire of {@code spec} that did not run, and why (e.g. {@code not-leader}, {@code already-run}). */
    public void skipped(JobSpec spec, String reason) {
        Counter.builder("baton.job.skips").description("Singleton job fires that did not run, by reason")
                .tag("job", spec.id()).tag("reason", reason).register(meters).increment();
    }

    /** {@code spec} failed and is tried again (one more attempt in the same slot). */
    public void retried(JobSpec spec) {
        Counter.builder("baton.job.retries").description("Singleton job attempts after a failed one, in the same slot")
                .tag("job", spec.id()).register(meters).increment();
    }

    /** A run of {@code spec} that ended with {@code outcome} after {@code durationNanos}. */
    public void ran(JobSpec spec, Outcome outcome, long durationNanos) {
        Counter.builder("baton.job.runs").description("Singleton job runs, by outcome")
                .tag("job", spec.id()).tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(meters)
                .increment();
        Timer.builder("baton.job.duration").description("How long singleton job runs take")
                .tag("job", spec.id()).register(meters).record(durationNanos, TimeUnit.NANOSECONDS);
    }
}
