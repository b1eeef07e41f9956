package dev.baton.http.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.records.JobSpec;

/** Which Lease annotations the page shows: the operators' controls, by the keys the scheduler uses, and no other. */
class ShownControlsTest {

    @Test
    void theControlsAnOperatorSetsAreShown() {
        assertTrue(ShownControls.isShown("baton.dev/suspend"));
        assertTrue(ShownControls.isShown("baton.dev/suspend.report"));
        assertTrue(ShownControls.isShown("baton.dev/run.report"));
        assertTrue(ShownControls.isShown("baton.dev/suspend.no-such-job"), "set by mistake: worth seeing");
    }

    @Test
    void aLongIdsShortFormIsShownToo() {
        JobSpec spec = JobSpec.of("com.example.billing.InvoiceReminderJob.sendOverdueReminders", "lease");
        assertTrue(ShownControls.isShown(spec.suspendKey()), spec.suspendKey());
        assertTrue(ShownControls.isShown(spec.runKey()), spec.runKey());
    }

    @Test
    void whatBatonWritesAndOtherAnnotationsAreNot() {
        JobSpec spec = JobSpec.of("report", "lease");
        assertFalse(ShownControls.isShown(spec.recordKey()));
        assertFalse(ShownControls.isShown(spec.historyKey()));
        assertFalse(ShownControls.isShown(spec.runStatusKey()), "the answer to a request: /jobs has it");
        assertFalse(ShownControls.isShown("baton.dev/suspended"));
        assertFalse(ShownControls.isShown("baton.dev/holder-instance"));
        assertFalse(ShownControls.isShown("kubectl.kubernetes.io/last-applied-configuration"));
        assertFalse(ShownControls.isShown(null));
    }

    @Test
    void ofKeepsTheControlsOnlyInKeyOrder() {
        assertEquals(Map.of("baton.dev/run.report", "t1", "baton.dev/suspend", "true"),
                ShownControls.of(Map.of("baton.dev/suspend", "true", "baton.dev/run.report", "t1",
                        "baton.dev/run-status.report", "{}", "example.com/owner", "team-a")));
    }
}
