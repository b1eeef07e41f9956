package dev.baton.scheduling.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.gate.ClockBehind;
import dev.baton.scheduling.records.JobRecord.Outcome;

/**
 * What a record may replace, which records are believed and when one is ahead of the clock, decided by one call
 * each on a seeded Lease and a fixed clock (no API server, no elector).
 */
class RecordRulesTest {

    static final Instant NOW = Instant.parse("2026-01-01T10:00:30Z");
    static final String KEY = JobRecord.PREFIX + "report";

    static JobRecord record(String slot, long epoch, Outcome outcome) {
        return new JobRecord(Instant.parse(slot), "a", epoch, outcome, null, NOW, null, null);
    }

    static Map<String, String> lease(JobRecord current) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put("unrelated", "kept");
        if (current != null) {
            annotations.put(KEY, current.toJson());
        }
        return annotations;
    }

    static String refusal(Map<String, String> annotations, JobRecord record, long epoch, int maxRecords) {
        return RecordRules.refusal(annotations, KEY, record, epoch, maxRecords,
                Set.of("report", "other", "third")::contains);
    }

    @Test
    void aRecordNeverGoesBackToAnOlderSlot() {
        JobRecord newer = record("2026-01-01T10:00:00Z", 3, Outcome.RUNNING);
        JobRecord older = record("2026-01-01T09:59:00Z", 3, Outcome.SUCCEEDED);
        String why = refusal(lease(newer), older, 3, 64);
        assertEquals("slot 2026-01-01T10:00:00Z is already recorded", why);
        assertNull(refusal(lease(older), newer, 3, 64), "a newer slot replaces an older one");
        assertNull(refusal(lease(newer), record("2026-01-01T10:00:00Z", 3, Outcome.SUCCEEDED), 3, 64),
                "the final record of a slot replaces its started record");
        assertNull(refusal(lease(null), older, 3, 64), "a first record is written");
    }

    @Test
    void onlyARecordNoLeaderWroteDoesNotHoldBackANewRecordHoweverFarAheadOfTheClockASlotIs() {
        JobRecord older = record("2026-01-01T09:59:00Z", 3, Outcome.SUCCEEDED);
        assertNull(refusal(lease(record("2026-01-01T10:00:00Z", 4, Outcome.SUCCEEDED)), older, 3, 64),
                "a later epoch than the term's was not written by a leader");
        assertEquals("slot 2026-01-01T10:06:00Z is already recorded",
                refusal(lease(record("2026-01-01T10:06:00Z", 3, Outcome.SUCCEEDED)), older, 3, 64),
                "6 minutes ahead of the clock: maybe a clock ahead, so it stays");
        assertEquals("slot 2099-01-01T00:00:00Z is already recorded",
                refusal(lease(record("2099-01-01T00:00:00Z", 3, Outcome.SUCCEEDED)), older, 3, 64),
                "a hand edit stays too: only an operator removes it");
    }

    @Test
    void theLeaseCarriesAtMostMaxRecordsOfThisApplicationsJobs() {
        JobRecord first = record("2026-01-01T10:00:00Z", 3, Outcome.SUCCEEDED);
        Map<String, String> full = lease(null);
        full.put(JobRecord.PREFIX + "other", first.toJson());
        full.put(JobRecord.PREFIX + "third", first.toJson());
        full.put(JobRecord.PREFIX + "not-ours", first.toJson());
        assertEquals("the Lease already carries 2 job records (baton.jobs.max-records)", refusal(full, first, 3, 2),
                "records of jobs this application does not have are not counted");
        assertNull(refusal(full, first, 3, 3));
        full.put(KEY, record("2026-01-01T09:59:00Z", 3, Outcome.SUCCEEDED).toJson());
        assertNull(refusal(full, first, 3, 2), "a job already recorded always updates its own record");
    }

    @Test
    void aRecordIsBelievedFromThisTermOrBeforeWhereverItsSlotIs() {
        assertTrue(RecordReader.believable(record("2026-01-01T10:00:00Z", 3, Outcome.SUCCEEDED), 3));
        assertTrue(RecordReader.believable(record("2026-01-01T10:00:00Z", 2, Outcome.SUCCEEDED), 3));
        assertTrue(!RecordReader.believable(record("2026-01-01T10:00:00Z", 4, Outcome.SUCCEEDED), 3));
        assertTrue(RecordReader.believable(record("2026-01-01T10:06:00Z", 3, Outcome.SUCCEEDED), 3),
                "ahead of the clock: believed, see ClockBehindLink");
    }

    @Test
    void aRecordAheadOfTheClockIsAheadByHowFarItsSlotIsLaterThanNow() {
        assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(330)),
                ClockBehind.ahead(record("2026-01-01T10:06:00Z", 3, Outcome.SUCCEEDED), NOW));
        assertTrue(ClockBehind.ahead(record("2026-01-01T10:00:30Z", 3, Outcome.SUCCEEDED), NOW).isEmpty(),
                "a slot at the clock's now is not ahead (a late fire of a recorded slot is already-run)");
        assertTrue(ClockBehind.ahead(record("2026-01-01T10:00:00Z", 3, Outcome.SUCCEEDED), NOW).isEmpty());
    }
}
