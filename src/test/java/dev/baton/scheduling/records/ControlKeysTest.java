package dev.baton.scheduling.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The annotation keys of a job's controls: exact, valid Kubernetes names, and stable for ids too long to fit. */
class ControlKeysTest {

    /** Kubernetes' rule for the name part of an annotation key (after the prefix and '/'). */
    static final String NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

    static void assertValid(String key) {
        assertTrue(key.startsWith("baton.dev/"), key);
        String name = key.substring("baton.dev/".length());
        assertTrue(name.length() <= 63 && name.matches(NAME), key + " is not a valid annotation key");
    }

    @Test
    void aShortIdIsUsedAsItIs() {
        JobSpec spec = JobSpec.of("nightly-report", "lease");
        assertEquals("baton.dev/suspend.nightly-report", spec.suspendKey());
        assertEquals("baton.dev/run.nightly-report", spec.runKey());
        assertEquals("baton.dev/run-status.nightly-report", spec.runStatusKey());
        assertEquals("baton.dev/history.nightly-report", spec.historyKey());
        assertEquals("baton.dev/job.nightly-report", spec.recordKey());
    }

    @Test
    void anIdTooLongForItsKeyGetsAStableShortForm() {
        String id = "com.example.billing.InvoiceReminderJob.sendOverdueReminders";
        assertEquals(59, id.length(), "the longest id a job may have");
        JobSpec spec = JobSpec.of(id, "lease");
        assertEquals("baton.dev/run." + id, spec.runKey(), "run. leaves room for 59 characters");
        for (String key : new String[] { spec.suspendKey(), spec.runKey(), spec.runStatusKey(), spec.historyKey() }) {
            assertValid(key);
        }
        // Computed, not remembered: the same on every replica and in every release.
        assertEquals("baton.dev/suspend.com.example.billing.InvoiceReminderJob.sendOve-"
                + spec.suspendKey().substring(spec.suspendKey().length() - 8), spec.suspendKey());
        assertEquals(spec.suspendKey(), JobSpec.of(id, "other-lease").suspendKey());
        assertEquals(63, spec.suspendKey().length() - "baton.dev/".length(), "as long as fits, no longer");
        // Two ids with the same start are told apart by the hash.
        assertNotEquals(spec.suspendKey(), JobSpec.of(id.replace("Reminders", "Notices_1"), "lease").suspendKey());
    }

    @Test
    void anIdThatJustFitsIsNotShortened() {
        String id = "a".repeat(63 - "run-status.".length());
        assertEquals("baton.dev/run-status." + id, JobSpec.of(id, "lease").runStatusKey());
        String longer = id + "b";
        assertTrue(JobSpec.of(longer, "lease").runStatusKey().matches("baton\\.dev/run-status\\.a+-[0-9a-f]{8}"));
        assertValid(JobSpec.of(longer, "lease").runStatusKey());
    }
}
