package dev.baton.observability;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.run.JobRunner;
import dev.baton.scheduling.records.JobSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The per-job gauges alerts are written against (Prometheus names; tags {@code job} and {@code lease}, the job's
 * Lease, for the alerts' kubectl lines), read from the job's Lease as
 * this replica last saw it, so that every replica exports the same values and rules take {@code max by (job)}:
 * <ul>
 * <li>{@code baton_job_last_success_timestamp_seconds}: when the newest successful run the Lease names ended. Its
 * history keeps the last {@code baton.jobs.history} runs; this replica also remembers the newest it ever saw, so
 * a long run of failures does not make it forget (a replica started since then shows NaN until a success; with
 * {@code max by (job)} the others' value counts). NaN while none is known.</li>
 * <li>{@code baton_job_next_fire_timestamp_seconds}: the job's next slot ({@link JobSignals#nextSlot}); NaN when
 * none is known.</li>
 * <li>{@code baton_job_period_seconds}: the time between two slots, so that a rule can say "two periods"
 * whatever the schedule; NaN for a job without one.</li>
 * <li>{@code baton_job_failures_in_a_row}: the newest runs that failed or timed out since the last success.</li>
 * <li>{@code baton_job_suspended}: 1 while the job is suspended ({@code baton.dev/suspend.<id>}), else 0.</li>
 * </ul>
 * Free of CDI: {@link AlertMetrics} registers the application's jobs; tests give each replica its own.
 */
public final class JobGauges {

    private final MeterRegistry registry;
    private final JobRunner runner;
    private final Clock clock;
    /** Per job, the newest success this replica has seen in its Lease. */
    private final Map<String, Instant> successes = new ConcurrentHashMap<>();

    public JobGauges(MeterRegistry registry, JobRunner runner, Clock clock) {
        this.registry = registry;
        this.runner = runner;
        this.clock = clock;
    }

    /** Registers the gauges of {@code spec}; a second call for the same job changes nothing. */
    public void register(JobSpec spec) {
        gauge("baton.job.last.success.timestamp", "When the job's newest successful run ended (from its Lease)",
                "seconds", spec, s -> JobSignals.seconds(lastSuccess(s)));
        gauge("baton.job.next.fire.timestamp", "The job's next slot", "seconds", spec,
                s -> JobSignals.seconds(JobSignals.nextSlot(s, runner.lastRecord(s), clock.instant())));
        gauge("baton.job.period", "The time between two slots of the job", "seconds", spec,
                s -> JobSignals.period(s, clock.instant()).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN));
        gauge("baton.job.failures.in.a.row", "The job's newest runs that failed since its last success (from its Lease)",
                null, spec, s -> JobSignals.failuresInARow(runner.lastRecord(s), runner.history(s)));
        gauge("baton.job.suspended", "1 while the job is suspended (baton.dev/suspend.<id>), else 0", null, spec,
                s -> runner.suspendedBy(s).isPresent() ? 1 : 0);
    }

    private Optional<Instant> lastSuccess(JobSpec spec) {
        Optional<JobRecord> last = runner.lastRecord(spec);
        Optional<Instant> seen = JobSignals.lastSuccess(last, runner.history(spec));
        Instant kept = seen.isEmpty() ? successes.get(spec.id())
                : successes.merge(spec.id(), seen.get(), (a, b) -> a.isAfter(b) ? a : b);
        return Optional.ofNullable(kept);
    }

    private void gauge(String name, String description, String unit, JobSpec spec, ToDoubleFunction<JobSpec> value) {
        Gauge.builder(name, spec, value).description(description).baseUnit(unit).tag("job", spec.id())
                .tag("lease", spec.leaseName()).strongReference(true).register(registry);
    }
}
