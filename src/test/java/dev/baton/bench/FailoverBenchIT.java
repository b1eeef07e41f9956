package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The failover benchmark as a test, on the packaged jar: by default the START part with two processes of each kind,
 * three graceful stops and one cycle of each other scenario per group (CI; SKEW,
 * Baton's only, first lets the job run for longer than its lag, about six minutes into the group), then one ROLL
 * cycle (the previous release, built from this clone's history, rolled to this build and back);
 * {@code -Pbench} runs the full benchmark through this same test. It fails on what must never happen — a slot
 * written twice, a stale epoch accepted, a disruption after which nobody leads — never on timings, which go to the
 * report ({@code target/bench/report.md}).
 */
class FailoverBenchIT {

    @AfterAll
    static void killLeftovers() {
        Replica.killAll();
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void noSlotRunsTwiceAndNoStaleWriteIsAcceptedAcrossFailovers() throws Exception {
        BenchResult result = Bench.run(BenchSettings.fromSystemProperties(1, 10));
        System.out.println(Report.markdown(BenchSettings.fromSystemProperties(1, 10), result));

        // -Dbench.scenarios=ROLL (or START) alone runs no group.
        if (BenchSettings.fromSystemProperties(1, 10).scenarios().stream().anyMatch(Scenario::disruption)) {
            groups(result);
        }
        // ROLL: across two releases, no slot twice, no stale write, no run request run twice. A clone without the
        // previous release's commit (shallow) cannot build it: the report says so, and nothing is asserted.
        if (BenchSettings.fromSystemProperties(1, 10).scenarios().contains(Scenario.ROLL)) {
            RollResult roll = result.roll();
            if (roll.release().notRun() == null) {
                assertEquals(0, roll.duplicateSlots(), "ROLL: slots of the service Lease's job run twice");
                assertEquals(0, roll.own().duplicateSlots(), "ROLL: slots of the own Lease's job recorded twice");
                assertEquals(0, roll.staleAccepted(), "ROLL: stale-epoch writes accepted");
                assertTrue(roll.steps().stream().allMatch(st -> st.handover() == null || st.handover().tookOver()),
                        "ROLL: another replica led after every step that stopped the leader: " + roll.steps());
                roll.controls().forEach(c -> assertTrue(c.requestRuns().size() <= 1,
                        "ROLL: run request " + c.control().token() + " ran " + c.requestRuns()));
            }
        }
        // START: every process started on a free Lease led (a wait that gives up throws before this); no timing here.
        if (result.start() != null) {
            assertTrue(result.start().samples().stream().allMatch(x -> x.leaderMs() >= 0),
                    "every process of the START part led: " + result.start().samples());
        }
    }

    private static void groups(BenchResult result) {
        BenchResult.GroupResult baton = result.group(Group.Kind.BATON).orElseThrow();
        assertTrue(baton.total().slots() > 0 && baton.runsPerSlot() > 0, "the Baton replicas ran the job");
        assertEquals(0, baton.total().duplicateSlots(), "slots run by two Baton replicas");
        assertEquals(0, baton.total().staleAccepted(), "stale-epoch writes the fenced sink accepted from Baton");
        assertTrue(baton.handovers().stream().allMatch(Handover::tookOver),
                "another replica led after every disruption: " + baton.handovers());
        // SKEW: the replica whose clock was moved back ran nothing while it led (it measured its clock off); on a
        // machine without libfaketime the scenario is skipped and says so, but not in CI, which installs it.
        if (BenchSettings.fromSystemProperties(1, 10).scenarios().contains(Scenario.SKEW)) {
            if (System.getenv("CI") != null) {
                assertEquals(null, baton.skewNotRun(), "the SKEW scenario ran");
                assertTrue(!baton.skew().isEmpty(), "the SKEW scenario's handovers were recorded");
            }
            baton.skew().forEach(row -> assertEquals(0, row.runsByLagging(),
                    "runs by a replica whose clock was moved: " + row));
        }
        // The same analysis finds the duplicates Baton prevents when nothing gates the job.
        result.group(Group.Kind.NAIVE).ifPresent(naive -> assertTrue(naive.total().duplicateSlots() > 0,
                "the naive baseline's duplicate slots are detected"));
    }
}
