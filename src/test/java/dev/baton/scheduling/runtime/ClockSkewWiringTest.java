package dev.baton.scheduling.runtime;

import static dev.baton.TestPatience.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import dev.baton.clock.ClockTrust;
import dev.baton.clock.ClusterClock;
import dev.baton.clock.DateStampingApiServer;
import dev.baton.runtime.Elections;
import dev.baton.scheduling.gate.ClockSkew;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The application on the Kubernetes store against a test API server whose clock is 90 s ahead of this machine's:
 * this replica finds its clock off, leads the service Lease all the same (its election does not depend on wall
 * clocks), runs no singleton slot there (counted as {@code clock-skew}), never takes the job Lease, and says so in
 * {@code GET /jobs}.
 */
@QuarkusTest
@TestProfile(ClockSkewWiringTest.ClusterAhead.class)
class ClockSkewWiringTest {

    public static class ClusterAhead implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.store", "kubernetes", "baton.identity", "skewed", "baton.lease-name", "skew-election",
                    "test.jobs.every", "1s", "test.jobs.cron", "* * * * * ?",
                    "baton.lease-duration", "3s", "baton.renew-deadline", "2s", "baton.retry-period", "500ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DateStampingApiServer.class,
                    Map.of(DateStampingApiServer.SERVER_CLOCK_AHEAD, "90")));
        }
    }


    @Inject
    Leadership leadership;

    @Inject
    Elections elections;

    @Inject
    ClusterClock clock;

    @Inject
    MeterRegistry meters;

    @Test
    void aReplicaWhoseClockIsOffLeadsButRunsNoSlotAndNeverTakesAJobLease() {
        await().atMost(PATIENCE).until(() -> leadership.isLeader() && clock.trust() == ClockTrust.BEYOND);
        await().atMost(PATIENCE).until(() -> skips("test-singleton") >= 2);
        assertEquals(List.of(), TestJobs.SERVICE_RUNS, "no run on the service Lease");
        assertEquals(List.of(), TestJobs.OWN_LEASE_RUNS, "no run of the job on its own Lease");
        assertTrue(elections.existing("test-own-lease").isPresent(), "the job Lease's elector runs");
        assertTrue(elections.store().get("test-own-lease").isEmpty(),
                "and the job Lease was never even created: this replica may not take it");
        assertTrue(!TestJobs.PER_REPLICA_RUNS.isEmpty(), "per-replica jobs do not care");

        given().get("/jobs").then().statusCode(200)
                .body("find { it.id == 'test-singleton' }.notHereBecause", equalTo(ClockSkew.SKIP_REASON))
                .body("find { it.id == 'test-singleton' }.clock.trust", equalTo("BEYOND"))
                .body("find { it.id == 'test-own-lease' }.clock.trust", equalTo("BEYOND"))
                .body("find { it.id == 'test-per-replica' }.clock", nullValue());
        // Both from one answer: the estimate moves as answers arrive, so two GETs may show two different estimates.
        var reply = given().get("/jobs").then().extract();
        float offset = reply.path("find { it.id == 'test-singleton' }.clock.offsetSeconds");
        float uncertainty = reply.path("find { it.id == 'test-singleton' }.clock.uncertaintySeconds");
        assertTrue(Math.abs(offset + 90) <= uncertainty + 0.001, offset + " ± " + uncertainty);
    }

    private double skips(String job) {
        var c = meters.find("baton.job.skips").tag("job", job).tag("reason", ClockSkew.SKIP_REASON).counter();
        return c == null ? 0 : c.count();
    }
}
