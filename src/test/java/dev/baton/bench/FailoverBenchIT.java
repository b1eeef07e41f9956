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
 * Baton's only, first lets the job run for longer than its lag, about six minutes into the group);
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
        // START: every process started on a free Lease led (a wait that gives up throws before this); no timing here.
        if (result.start() != null) {
            assertTrue(result.start().samples().stream().allMatch(x -> x.leaderMs() >= 0),
                    "every process of the START part led: " + result.start().samples());
        }
        // The same analysis finds the duplicates Baton prevents when nothing gates the job.
        result.group(Group.Kind.NAIVE).ifPresent(naive -> assertTrue(naive.total().duplicateSlots() > 0,
                "the naive baseline's duplicate slots are detected"));
    }
}
