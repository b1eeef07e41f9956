package dev.baton.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.records.CronSlots;
import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.SingletonJob.CatchUp;

/** What the alerting gauges make of a job's Lease: one call per case, on fixed instants. */
class JobSignalsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T22:00:30Z");

    private static JobRecord run(String slot, Outcome outcome) {
        Instant at = Instant.parse("2026-12-07T" + slot + "Z");
        return new JobRecord(at, "replica-a", 3, outcome, 100L, at.plusMillis(100), null, null);
    }

    @Test
    void theLastSuccessIsTheNewestSucceededRunTheLeaseNames() {
        List<JobRecord> history = List.of(run("21:59:00", Outcome.FAILED), run("21:58:00", Outcome.SUCCEEDED),
                run("21:57:00", Outcome.SUCCEEDED));
        assertEquals(Optional.of(Instant.parse("2026-12-07T21:58:00.100Z")),
                JobSignals.lastSuccess(Optional.of(history.get(0)), history));
        assertEquals(Optional.empty(), JobSignals.lastSuccess(Optional.of(history.get(0)), List.of()),
                "without history, a failed last record names no success");
        assertEquals(Optional.of(Instant.parse("2026-12-07T22:00:00.100Z")),
                JobSignals.lastSuccess(Optional.of(run("22:00:00", Outcome.SUCCEEDED)), List.of()));
    }

    @Test
    void failuresInARowCountFailuresAndTimeoutsBackToTheLastSuccess() {
        record Case(List<Outcome> newestFirst, int failures) {
        }
        for (Case c : List.of(
                new Case(List.of(), 0),
                new Case(List.of(Outcome.SUCCEEDED, Outcome.FAILED), 0),
                new Case(List.of(Outcome.FAILED, Outcome.SUCCEEDED, Outcome.FAILED), 1),
                new Case(List.of(Outcome.TIMED_OUT, Outcome.FAILED, Outcome.FAILED), 3),
                // Runs that say nothing of the job: still running, stopped by a handover, unknown, refused.
                new Case(List.of(Outcome.RUNNING, Outcome.INTERRUPTED, Outcome.FAILED, Outcome.UNKNOWN,
                        Outcome.REFUSED, Outcome.FAILED, Outcome.SUCCEEDED), 2),
                new Case(List.of(Outcome.INTERRUPTED, Outcome.SUCCEEDED), 0))) {
            List<JobRecord> history = c.newestFirst().stream().map(o -> run("21:00:00", o)).toList();
            assertEquals(c.failures(), JobSignals.failuresInARow(history.stream().findFirst(), history), c.toString());
        }
        assertEquals(1, JobSignals.failuresInARow(Optional.of(run("21:00:00", Outcome.FAILED)), List.of()),
                "without history the last record alone counts");
    }

    @Test
    void theNextSlotOfACronJobIsItsNextCronSlot() {
        JobSpec everyMinute = new JobSpec("report", "jobs", CatchUp.SKIP, Optional.empty(), "cron 0 * * * * ?",
                Optional.of(CronSlots.quartz("0 * * * * ?")));
        assertEquals(Optional.of(Instant.parse("2026-12-07T22:01:00Z")),
                JobSignals.nextSlot(everyMinute, Optional.empty(), NOW));
        assertEquals(Optional.of(Duration.ofMinutes(1)), JobSignals.period(everyMinute, NOW));
    }

    @Test
    void theNextSlotOfAnEveryJobFollowsTheLeadersCadenceFromItsLastRecord() {
        JobSpec every = new JobSpec("sync", "jobs", CatchUp.SKIP, Optional.empty(), "every 10s", Optional.empty(),
                Optional.of(Duration.ofSeconds(10)), JobOptions.DEFAULTS);
        assertEquals(Optional.of(Instant.parse("2026-12-07T22:00:33Z")),
                JobSignals.nextSlot(every, Optional.of(run("22:00:23", Outcome.SUCCEEDED)), NOW));
        assertEquals(Optional.of(Instant.parse("2026-12-07T22:00:33Z")),
                JobSignals.nextSlot(every, Optional.of(run("21:58:23", Outcome.FAILED)), NOW),
                "slots missed since the record are stepped over");
        assertEquals(Optional.empty(), JobSignals.nextSlot(every, Optional.empty(), NOW), "no record: unknown");
        assertEquals(Optional.of(Duration.ofSeconds(10)), JobSignals.period(every, NOW));
    }

    @Test
    void aJobWithoutScheduleHasNoNextSlotNorPeriod() {
        JobSpec programmatic = JobSpec.of("by-hand", "jobs");
        assertEquals(Optional.empty(), JobSignals.nextSlot(programmatic, Optional.of(run("22:00:00",
                Outcome.SUCCEEDED)), NOW));
        assertEquals(Optional.empty(), JobSignals.period(programmatic, NOW));
        assertEquals(Double.NaN, JobSignals.seconds(Optional.empty()));
    }
}
