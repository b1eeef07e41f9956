package dev.baton.scheduling.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.controls.RunRequests;
import dev.baton.scheduling.records.JobRecord.Outcome;

/**
 * A job's history, by one call on a seeded Lease: how many entries, how many bytes per job and per Lease, and what
 * is dropped first. The bounds are tested at their edges and with as many jobs as anyone could declare.
 */
class HistoryRulesTest {

    static final String KEY = ControlKeys.of(ControlKeys.HISTORY, "report");
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    static JobRecord run(int i) {
        return new JobRecord(T0.plusSeconds(i), "baton-7d8f9b6c4d-abc12", 3, Outcome.SUCCEEDED, 12L,
                T0.plusSeconds(i).plusMillis(12), null, "an error is not kept in history", "schedule", null, 1, null,
                null);
    }

    /** The largest entry there can be: a pod name's worth of replica, the longest token, a huge error (dropped). */
    static JobRecord largest(int i) {
        return new JobRecord(T0.plusSeconds(i), "r".repeat(300), Long.MAX_VALUE, Outcome.TIMED_OUT, Long.MAX_VALUE,
                T0.plusSeconds(i), Boolean.TRUE, "e".repeat(5000), "catch-up", "t".repeat(RunRequests.MAX_TOKEN),
                Integer.MAX_VALUE, T0, T0);
    }

    /** The largest run status the holder writes: a pod name, the longest token, an error of 200 characters. */
    static JobRecord largestStatus() {
        return new JobRecord(T0, "r".repeat(JobRecord.SHORT_REPLICA), Long.MAX_VALUE, Outcome.TIMED_OUT,
                Long.MAX_VALUE, T0, null, "e".repeat(200), "manual", "t".repeat(RunRequests.MAX_TOKEN),
                Integer.MAX_VALUE, null, null);
    }

    static List<JobRecord> add(Map<String, String> lease, String key, JobRecord entry, int max) {
        Optional<String> value = JobHistory.with(lease, key, entry, max);
        if (value.isPresent()) {
            lease.put(key, value.get());
        } else {
            lease.remove(key);
        }
        return JobHistory.parse(lease.get(key));
    }

    static long totalBytes(Map<String, String> annotations) {
        return annotations.entrySet().stream()
                .mapToLong(e -> JobHistory.bytes(e.getKey()) + JobHistory.bytes(e.getValue())).sum();
    }

    @Test
    void theLastNRunsNewestFirst() {
        Map<String, String> lease = new HashMap<>();
        List<JobRecord> history = List.of();
        for (int i = 1; i <= 11; i++) {
            history = add(lease, KEY, run(i), 10);
            assertEquals(Math.min(i, 10), history.size());
        }
        assertEquals(T0.plusSeconds(11), history.get(0).slot(), "newest first");
        assertEquals(T0.plusSeconds(2), history.get(9).slot(), "the oldest was dropped at 11");
        assertEquals(null, history.get(0).error(), "no error in history");
        assertEquals(List.of(), add(new HashMap<>(), KEY, run(1), 0), "0 keeps none");
    }

    @Test
    void anEntryIsSmallAndAJobsHistoryFitsItsBytes() {
        String one = JobHistory.render(List.of(largest(0).forHistory()));
        assertTrue(one.length() < 400, "the largest entry: " + one.length() + " " + one);
        Map<String, String> lease = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            add(lease, KEY, largest(i), JobHistory.MAX_ENTRIES);
            assertTrue(JobHistory.bytes(lease.get(KEY)) <= JobHistory.MAX_CHARS_PER_JOB);
        }
        int kept = JobHistory.parse(lease.get(KEY)).size();
        assertTrue(kept >= 10, "at least the default 10 of the largest entries fit: " + kept);
        // At the edge: one more entry than fits is dropped, not cut.
        List<JobRecord> entries = JobHistory.parse(lease.get(KEY));
        assertTrue(JobHistory.render(List.of(largest(0).forHistory())).length() + JobHistory.bytes(lease.get(KEY))
                > JobHistory.MAX_CHARS_PER_JOB, "full: another entry would not fit");
        assertEquals(T0.plusSeconds(99), entries.get(0).slot());
    }

    @Test
    void noNumberOfJobsBringsALeaseNearTheKubernetesLimit() {
        // 500 jobs on one Lease, each writing the largest entries there can be, round after round: the histories
        // together stay within their budget.
        Map<String, String> lease = new HashMap<>();
        // A few jobs first, whose histories fill up; then many more arrive, each wanting its share.
        for (int round = 0; round < 12; round++) {
            for (int job = 0; job < 16; job++) {
                add(lease, ControlKeys.of(ControlKeys.HISTORY, "job-" + job), largest(round), 10);
            }
        }
        for (int round = 0; round < 12; round++) {
            for (int job = 0; job < 500; job++) {
                add(lease, ControlKeys.of(ControlKeys.HISTORY, "job-" + job), largest(round), 10);
                assertTrue(totalBytes(lease) <= JobHistory.LEASE_BUDGET, "histories take " + totalBytes(lease));
            }
        }
        // Beside the largest records the bound allows (baton.jobs.max-records, 64) and the largest run statuses, the
        // histories give way so that the Lease stays within LEASE_TOTAL, half of 256 KiB.
        Map<String, String> full = new HashMap<>();
        for (int job = 0; job < 64; job++) {
            full.put(JobRecord.PREFIX + "job-" + job, largest(0).toJson());
            full.put(ControlKeys.of(ControlKeys.RUN_STATUS, "job-" + job), largestStatus().toJson());
        }
        assertTrue(totalBytes(full) < JobHistory.LEASE_TOTAL, "records and statuses alone: " + totalBytes(full));
        for (int round = 0; round < 12; round++) {
            for (int job = 0; job < 500; job++) {
                add(full, ControlKeys.of(ControlKeys.HISTORY, "job-" + job), largest(round), 10);
                assertTrue(totalBytes(full) <= JobHistory.LEASE_TOTAL, "the Lease takes " + totalBytes(full));
            }
        }
        // Records and statuses that grow after full histories were written (history is not taken back from other
        // jobs): still far from 256 KiB.
        lease.putAll(full);
        for (int job = 0; job < 500; job++) {
            add(lease, ControlKeys.of(ControlKeys.HISTORY, "job-" + job), largest(99), 10);
            assertTrue(totalBytes(lease) <= 200 * 1024, "the Lease takes " + totalBytes(lease));
        }
        System.out.printf("64 largest records and run statuses, 500 jobs' histories: %d bytes of annotations "
                + "(%d when the histories came first)%n", totalBytes(full), totalBytes(lease));
    }

    @Test
    void historyGivesWayToEverythingElse() {
        Map<String, String> lease = new HashMap<>();
        for (int i = 1; i <= 5; i++) {
            add(lease, KEY, run(i), 10);
        }
        String notes = "team.example/notes";
        int oneEntry = JobHistory.render(List.of(run(6).forHistory())).length();
        // Someone else's annotations leave room for one entry of history, not two: the newest is kept.
        lease.put(notes, "n".repeat((int) (JobHistory.LEASE_TOTAL - JobHistory.bytes(notes) - JobHistory.bytes(KEY)
                - oneEntry - 10)));
        List<JobRecord> history = add(lease, KEY, run(6), 10);
        assertEquals(List.of(T0.plusSeconds(6)), history.stream().map(JobRecord::slot).toList());
        assertTrue(totalBytes(lease) <= JobHistory.LEASE_TOTAL, "at the bound: " + totalBytes(lease));
        // No room at all: the history is removed rather than the Lease taken past the bound.
        lease.put(notes, "n".repeat((int) (JobHistory.LEASE_TOTAL - JobHistory.bytes(notes) - JobHistory.bytes(KEY)
                - oneEntry + 10)));
        assertEquals(List.of(), add(lease, KEY, run(7), 10));
        assertTrue(!lease.containsKey(KEY));
    }

    @Test
    void aValueThatIsNotAHistoryIsReplaced() {
        Map<String, String> lease = new HashMap<>();
        lease.put(KEY, "{not a list");
        assertTrue(JobHistory.unreadable(lease.get(KEY)));
        assertEquals(List.of(), JobHistory.parse(lease.get(KEY)));
        assertEquals(1, add(lease, KEY, run(1), 10).size());
        lease.put(KEY, "[{\"slot\":\"nonsense\"}," + JobHistory.render(List.of(run(1).forHistory())).substring(1));
        assertEquals(1, JobHistory.parse(lease.get(KEY)).size(), "entries that are not runs are dropped");
    }
}
