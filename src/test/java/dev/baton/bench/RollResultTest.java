package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.baton.bench.Audit.Run;
import dev.baton.bench.RollingUpgrade.Build;
import dev.baton.bench.RollingUpgrade.Control;
import dev.baton.bench.RollingUpgrade.Start;

/**
 * The ROLL analysis finds what the failover test fails on across two releases: a run request run by both, a slot
 * of the job on its own Lease recorded by two runs, a run while suspended; and it tells the releases apart by the
 * harness's marks in each replica's log.
 */
class RollResultTest {

    private static final long T = 1_000_000_000_000L;
    private static final PreviousRelease.Release RELEASE = new PreviousRelease.Release(
            "2bec7596f79461f32b11cdb92921de4e30ee395c", Path.of("old.jar"), 1000, null);

    @Test
    void aRequestRunByTheOldLeaderAndAgainByTheNewOneCountsTwiceWithTheirReleases() {
        Control c = new Control(1, "roll-2", Build.PREVIOUS, T, T + 5000, "roll-1-upgrade", T + 7000);
        String line = "INFO Singleton job baton-bench: running on request roll-1-upgrade (epoch 3)\n";
        Map<String, String> logs = Map.of(
                "roll-2", mark(Build.PREVIOUS) + "Singleton job baton-bench is suspended (baton.dev/suspend...)\n"
                        + line + mark(Build.CURRENT),
                "roll-3", mark(Build.PREVIOUS) + mark(Build.CURRENT) + line);
        List<Start> starts = List.of(new Start("roll-2", Build.PREVIOUS, T - 60_000),
                new Start("roll-3", Build.PREVIOUS, T - 60_000), new Start("roll-2", Build.CURRENT, T + 20_000),
                new Start("roll-3", Build.CURRENT, T + 40_000));

        RollResult.ControlOutcome o = analyse(List.of(run(T - 1000), run(T + 6000)), c, logs, starts).controls()
                .get(0);

        assertEquals(List.of("roll-2 (previous release)", "roll-3 (this build)"), o.requestRuns());
        assertEquals(0, o.runsWhileSuspended());
        assertTrue(o.suspensionLogged());
    }

    @Test
    void aRunWhileSuspendedIsCountedAndTheSuspendedSecondsAreNotMissedSlots() {
        Control c = new Control(1, "roll-1", Build.CURRENT, T, T + 5000, "t", T + 7000);
        List<Run> runs = List.of(run(T - 1000), run(T + 3000), run(T + 7000), run(T + 9000));
        List<Start> starts = List.of(new Start("roll-1", Build.CURRENT, T - 60_000));

        RollResult r = analyse(runs, c, Map.of("roll-1", mark(Build.CURRENT)), starts);

        assertEquals(1, r.controls().get(0).runsWhileSuspended());
        assertFalse(r.controls().get(0).suspensionLogged());
        assertEquals(1, r.missedSlots(), "T+8000 only: T..T+6000 fall in the suspension");
    }

    @Test
    void aSlotOfTheOwnLeasesJobRecordedByTwoTermsIsADuplicateAndASkippedSecondIsMissed() {
        List<AnnotationWatchLog.Value> records = List.of(
                record("2026-12-07T21:00:00Z", "roll-1", 1),
                record("2026-12-07T21:00:01Z", "roll-1", 1),
                record("2026-12-07T21:00:01Z", "roll-2", 2),
                record("2026-12-07T21:00:03Z", "roll-2", 2),
                new AnnotationWatchLog.Value(T, "not json"));

        RollResult.Own own = RollResult.own(records);

        assertEquals(3, own.runs());
        assertEquals(1, own.duplicateSlots());
        assertEquals(1, own.missedSlots());
    }

    @Test
    void thePreviousReleaseIsTheFirstLineThatIsNotAComment(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("previous-release.txt");
        Files.writeString(file, "# a comment\n\n  2bec7596f79461f32b11cdb92921de4e30ee395c  \n0000\n");
        assertEquals("2bec7596f79461f32b11cdb92921de4e30ee395c", PreviousRelease.commitNamedIn(file));

        Files.writeString(file, "# a comment\n2bec759\n");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> PreviousRelease.commitNamedIn(file));
        assertTrue(e.getMessage().contains("full commit id"), e.getMessage());
        // The repository's own file names one.
        assertEquals(40, PreviousRelease.commitNamedIn(PreviousRelease.NAMED_IN).length());
    }

    private static String mark(Build b) {
        return RollingUpgrade.START_MARK + b + " ===\n";
    }

    private static AnnotationWatchLog.Value record(String slot, String replica, long epoch) {
        return new AnnotationWatchLog.Value(T, "{\"slot\":\"" + slot + "\",\"replica\":\"" + replica + "\",\"epoch\":"
                + epoch + ",\"outcome\":\"SUCCEEDED\"}");
    }

    private static Run run(long slot) {
        return new Run("roll-1", 1, slot, slot + 5, slot + 105, SinkOutcome.ACCEPTED, false);
    }

    private static RollResult analyse(List<Run> runs, Control c, Map<String, String> logs, List<Start> starts) {
        BenchSettings settings = new BenchSettings(Path.of("x.jar"), "", Path.of("target"), 3, 1, 1, 1,
                Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(), List.of(), "", List.of());
        Group.Data group = new Group.Data(Group.Kind.BATON, settings, new Audit(runs, List.of()), List.of(),
                List.of(), List.of(), null, T - 10_000, T + 10_000, List.of(), null);
        return RollResult.of(new RollingUpgrade.Data(RELEASE, group, List.of(), List.of(c), starts, logs, List.of()));
    }
}
