package dev.baton.scheduling.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.baton.clock.TestClock;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.records.CatchUpDecision.Verdict;
import dev.baton.scheduling.records.JobRecord.Outcome;

/**
 * The catch-up rule, case by case: a job, its last record and the clock when a term begins, one call, one verdict.
 * The clock is a {@link TestClock} set per case, as the runner reads it.
 */
class CatchUpDecisionTest {

    static final CronSlots MINUTELY = new CronSlots("0 * * * * ?", "quartz", ZoneOffset.UTC);

    static JobSpec job(CatchUp catchUp, Duration deadline) {
        return new JobSpec("report", "report-lease", catchUp, Optional.ofNullable(deadline), "cron 0 * * * * ?",
                Optional.of(MINUTELY));
    }

    static Optional<JobRecord> ranAt(String slot) {
        return Optional.of(new JobRecord(Instant.parse("2026-01-01T" + slot + "Z"), "a", 1, Outcome.SUCCEEDED, 5L,
                Instant.parse("2026-01-01T" + slot + "Z"), null, null));
    }

    /** A record of a run at {@code slot} whose holder saw the job suspended, or recorded slots skipped up to some. */
    static Optional<JobRecord> marked(String slot, String suspendedSince, String skippedThrough) {
        return ranAt(slot).map(r -> r.withMarks(
                suspendedSince == null ? null : Instant.parse("2026-01-01T" + suspendedSince + "Z"),
                skippedThrough == null ? null : Instant.parse("2026-01-01T" + skippedThrough + "Z")));
    }

    record Case(String name, JobSpec job, Optional<JobRecord> last, String now, Verdict verdict, String slot) {
    }

    static final JobSpec RUN_LATEST = job(CatchUp.RUN_LATEST, null);
    static final JobSpec WITH_DEADLINE = job(CatchUp.RUN_LATEST, Duration.ofMinutes(5));
    static final JobSpec SKIPPING = job(CatchUp.SKIP, null);
    static final JobSpec EVERY = new JobSpec("tick", "report-lease", CatchUp.SKIP, Optional.empty(), "every 10s",
            Optional.empty());

    static final List<Case> CASES = List.of(
            new Case("the latest slot is the recorded one", RUN_LATEST, ranAt("10:03:00"), "10:03:40",
                    Verdict.NOTHING_MISSED, null),
            new Case("recorded slot ahead of the latest (a clock behind)", RUN_LATEST, ranAt("10:04:00"), "10:03:40",
                    Verdict.NOTHING_MISSED, null),
            new Case("a job that never ran has nothing to catch up", RUN_LATEST, Optional.empty(), "10:03:40",
                    Verdict.NOTHING_MISSED, null),
            new Case("no cron, no slots to name", EVERY, ranAt("09:00:00"), "10:03:40", Verdict.NOTHING_MISSED,
                    null),
            new Case("one slot missed: run it", RUN_LATEST, ranAt("10:02:00"), "10:03:40", Verdict.RUN, "10:03:00"),
            new Case("many missed: only the most recent runs", RUN_LATEST, ranAt("09:00:00"), "10:03:40",
                    Verdict.RUN, "10:03:00"),
            new Case("a slot that is due this very second", RUN_LATEST, ranAt("10:02:00"), "10:03:00",
                    Verdict.RUN, "10:03:00"),
            new Case("catchUp = SKIP skips it", SKIPPING, ranAt("10:02:00"), "10:03:40", Verdict.SKIP, "10:03:00"),
            new Case("within the starting deadline", WITH_DEADLINE, ranAt("09:00:00"), "10:07:59", Verdict.RUN,
                    "10:07:00"),
            new Case("exactly as old as the starting deadline", job(CatchUp.RUN_LATEST, Duration.ofSeconds(40)),
                    ranAt("09:00:00"), "10:03:40", Verdict.RUN, "10:03:00"),
            new Case("older than the starting deadline", job(CatchUp.RUN_LATEST, Duration.ofSeconds(30)),
                    ranAt("09:00:00"), "10:03:40", Verdict.PAST_DEADLINE, "10:03:00"),
            new Case("just past the starting deadline", job(CatchUp.RUN_LATEST, Duration.ofSeconds(40)),
                    ranAt("09:00:00"), "10:03:40.001", Verdict.PAST_DEADLINE, "10:03:00"),
            new Case("the deadline does not matter to SKIP", job(CatchUp.SKIP, Duration.ofSeconds(1)),
                    ranAt("09:00:00"), "10:03:40", Verdict.SKIP, "10:03:00"),
            new Case("suspended since before the missed slot, not seen resumed", RUN_LATEST,
                    marked("10:01:00", "10:01:30", null), "10:03:40", Verdict.SUSPENDED, "10:03:00"),
            new Case("slots up to the resume fell into the suspension", RUN_LATEST,
                    marked("10:01:00", null, "10:03:00"), "10:03:40", Verdict.NOTHING_MISSED, null),
            new Case("a slot after the resume is missed as any other", RUN_LATEST,
                    marked("10:01:00", null, "10:02:00"), "10:03:40", Verdict.RUN, "10:03:00"),
            new Case("suspended, but nothing missed", RUN_LATEST, marked("10:03:00", "10:03:10", null), "10:03:40",
                    Verdict.NOTHING_MISSED, null));

    @Test
    void eachCaseGetsItsVerdictAndSlot() {
        TestClock clock = TestClock.at(Instant.EPOCH);
        for (Case c : CASES) {
            clock.set(Instant.parse("2026-01-01T" + c.now() + "Z"));
            CatchUpDecision d = CatchUpDecision.decide(c.job(), c.last(), clock.instant());
            assertEquals(c.verdict(), d.verdict(), c.name());
            assertEquals(c.slot() == null ? null : Instant.parse("2026-01-01T" + c.slot() + "Z"), d.slot(), c.name());
            assertEquals(c.last().map(JobRecord::handledThrough).orElse(null), d.lastSlot(), c.name());
        }
    }

    @Test
    void skipsAreCountedUnderTheirReasons() {
        assertEquals("missed", Verdict.SKIP.skipReason);
        assertEquals("past-deadline", Verdict.PAST_DEADLINE.skipReason);
        assertEquals("suspended", Verdict.SUSPENDED.skipReason);
    }
}
