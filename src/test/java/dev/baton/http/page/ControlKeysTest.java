package dev.baton.http.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which annotation keys the page shows and the dev controls accept. */
class ControlKeysTest {

    @Test
    void aShortIdIsItsOwnKey() {
        assertEquals(Optional.of("baton.dev/suspend.cluster-summary"),
                ControlKeys.plain(ControlKeys.SUSPEND_PREFIX, "cluster-summary"));
        assertEquals(Optional.of("baton.dev/run.cluster-summary"),
                ControlKeys.plain(ControlKeys.RUN_PREFIX, "cluster-summary"));
    }

    @Test
    void anIdTooLongForAnAnnotationNameHasNoPlainKey() {
        // A job id may have 59 characters; "suspend." and the id must fit the 63 of an annotation name.
        String longest = "a".repeat(55);
        assertTrue(ControlKeys.plain(ControlKeys.SUSPEND_PREFIX, longest).isPresent());
        assertEquals(Optional.empty(), ControlKeys.plain(ControlKeys.SUSPEND_PREFIX, longest + "b"));
        assertTrue(ControlKeys.plain(ControlKeys.RUN_PREFIX, "a".repeat(59)).isPresent(), "run. is shorter");
    }

    @Test
    void onlyValidKeysUnderTheRightPrefixAreAccepted() {
        assertTrue(ControlKeys.isValid(ControlKeys.SUSPEND_PREFIX, "baton.dev/suspend.x7f3a9"));
        assertFalse(ControlKeys.isValid(ControlKeys.SUSPEND_PREFIX, "baton.dev/run.report"), "another control");
        assertFalse(ControlKeys.isValid(ControlKeys.SUSPEND_PREFIX, "baton.dev/job.report"), "a job's record");
        assertFalse(ControlKeys.isValid(ControlKeys.SUSPEND_PREFIX, "baton.dev/holder-instance"));
        assertFalse(ControlKeys.isValid(ControlKeys.SUSPEND_PREFIX, "baton.dev/suspend."), "no job");
        assertFalse(ControlKeys.isValid(ControlKeys.SUSPEND_PREFIX, "baton.dev/suspend.a/b"));
        assertFalse(ControlKeys.isValid(ControlKeys.SUSPEND_PREFIX, "baton.dev/suspend.report-"));
        assertFalse(ControlKeys.isValid(ControlKeys.SUSPEND_PREFIX, ControlKeys.SUSPEND_PREFIX + "a".repeat(56)));
        assertFalse(ControlKeys.isValid(ControlKeys.SUSPEND_PREFIX, null));
    }

    @Test
    void thePageShowsControlsAndNothingElse() {
        assertTrue(ControlKeys.isControl("baton.dev/suspend"));
        assertTrue(ControlKeys.isControl("baton.dev/suspend.report"));
        assertTrue(ControlKeys.isControl("baton.dev/run.report"));
        assertFalse(ControlKeys.isControl("baton.dev/job.report"));
        assertFalse(ControlKeys.isControl("baton.dev/holder-instance"));
        assertFalse(ControlKeys.isControl("kubectl.kubernetes.io/last-applied-configuration"));
    }
}
