package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SCALE benchmark as a test, on the packaged jar: by default (CI) 1 and 10 job Leases with a 15 s window, and
 * its API cost part with 1 and 10 jobs; {@code -Pbench} runs 1, 50 and 200 job Leases and 1 to 1000 jobs with a 60 s
 * window through this same test. It fails on what must never happen
 * — a Lease going from one Baton replica to another while the first could still act, a Lease nobody takes (at start,
 * and after the leader's graceful stop) — never on
 * timings or costs, which go to the report ({@code target/bench/scale.md}, {@code scale.png}).
 */
class ScaleBenchIT {

    @AfterAll
    static void killLeftovers() {
        Replica.killAll();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.MINUTES)
    void everyJobLeaseHasAHolderAlsoAfterTheLeaderStopsAndNoneIsTakenFromALiveHolder() throws Exception {
        ScaleSettings settings = ScaleSettings.fromSystemProperties("1,10", 15, 5);
        List<ScaleGroup.Result> results = ScaleBench.skipOrRun(settings);
        List<ApiCostGroup.Result> costs = ScaleBench.runApiCost(ApiCostSettings.fromSystemProperties(settings,
                "1,10"));
        System.out.println(java.nio.file.Files.readString(settings.out().resolve("scale.md")));

        for (ScaleGroup.Result r : results) {
            if (r.kind() != ScaleGroup.Kind.BATON) {
                continue; // fabric8's figures are for comparison; its safety is not Baton's to prove
            }
            assertEquals(List.of(), r.unheld(), "Leases no Baton replica held within the bound, " + r.leases()
                    + " job Leases");
            assertEquals(List.of(), r.unsafe(), "Leases taken from a Baton replica that could still act, "
                    + r.leases() + " job Leases");
            assertEquals(List.of(), r.handover().unheld(), "Leases not held again after the Baton leader's graceful "
                    + "stop, " + r.leases() + " job Leases");
            int held = r.replicas().stream().mapToInt(ScaleGroup.ReplicaData::held).sum();
            assertEquals(r.totalLeases(), held, "Leases held at the window's end, " + r.leases() + " job Leases: "
                    + r.replicas());
            assertTrue(r.leaderData().samples().size() >= settings.samples(), "samples taken");
        }
        for (ApiCostGroup.Result r : costs) {
            if (r.kind() != ScaleGroup.Kind.BATON) {
                continue;
            }
            assertEquals(List.of(), r.unheld(), "jobs no Baton replica held within the bound, " + r.jobs() + " jobs");
            assertEquals(List.of(), r.unsafe(), "Leases taken from a Baton replica that could still act, "
                    + r.jobs() + " jobs");
            for (ApiCostGroup.Churn c : r.churn()) {
                assertTrue(c.allHeldMs() >= 0, "every job held by a live replica after the " + c.event() + ", "
                        + r.jobs() + " jobs: " + c.jobsPerReplica());
            }
        }
    }
}
