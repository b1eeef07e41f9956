package dev.baton.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;

/**
 * What the alerting gauges say of a job, read from what its Lease carries (its last record and its history, newest
 * first), so that every replica, leader or not, says the same. Pure, tested by calling one method.
 */
final class JobSignals {

    private JobSignals() {
    }

    /** When the newest successful run the Lease still names ended; empty when it names none. */
    static Optional<Instant> lastSuccess(Optional<JobRecord> last, List<JobRecord> history) {
        return java.util.stream.Stream.concat(last.stream(), history.stream())
                .filter(r -> r.outcome() == Outcome.SUCCEEDED && r.finishedAt() != null)
                .map(JobRecord::finishedAt).max(Instant::compareTo);
    }

    /**
     * How many of the newest runs failed (threw, or ran past their timeout) since the last success: 0 when the
     * newest verdict is a success. Runs that say nothing of the job itself are passed over: one still running, one
     * stopped by the end of its term or the drain, one whose end is unknown, a refused run request. The history
     * holds the last record too; without history (baton.jobs.history=0) the last record alone is read.
     */
    static int failuresInARow(Optional<JobRecord> last, List<JobRecord> history) {
        List<JobRecord> runs = history.isEmpty() ? last.stream().toList() : history;
        int failures = 0;
        for (JobRecord r : runs) {
            if (r.outcome() == Outcome.SUCCEEDED) {
                break;
            }
            if (r.outcome() == Outcome.FAILED || r.outcome() == Outcome.TIMED_OUT) {
                failures++;
            }
        }
        return failures;
    }

    /**
     * The job's next slot after {@code now}: the next cron slot; for an {@code every} job, the leader's cadence
     * from the slot of the last record (an {@code every} trigger fires at its start plus whole intervals, and the
     * slot is its fire time); empty when nothing names it (no record yet, a programmatic or {@code off} job).
     */
    static Optional<Instant> nextSlot(JobSpec spec, Optional<JobRecord> last, Instant now) {
        if (!spec.scheduled()) {
            return Optional.empty();
        }
        if (spec.cron().isPresent()) {
            return spec.cron().get().next(now);
        }
        if (spec.every().isEmpty() || last.isEmpty() || spec.every().get().isZero()) {
            return Optional.empty();
        }
        long every = spec.every().get().toMillis();
        Instant slot = last.get().slot();
        long behind = Duration.between(slot, now).toMillis();
        long steps = behind < 0 ? 1 : behind / every + 1;
        return Optional.of(slot.plusMillis(steps * every));
    }

    /** The time between two slots: an {@code every} job's interval, or from the next cron slot to the one after. */
    static Optional<Duration> period(JobSpec spec, Instant now) {
        if (!spec.scheduled()) {
            return Optional.empty();
        }
        if (spec.cron().isPresent()) {
            return spec.cron().get().next(now).flatMap(a -> spec.cron().get().next(a).map(b -> Duration.between(a, b)));
        }
        return spec.every();
    }

    /** Seconds since the epoch, with milliseconds; NaN for nothing (0 would claim a date, or a perfect record). */
    static double seconds(Optional<Instant> at) {
        return at.map(i -> i.toEpochMilli() / 1000.0).orElse(Double.NaN);
    }
}
