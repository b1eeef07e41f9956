package dev.baton.scheduling.runtime;

import static dev.baton.TestPatience.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.runtime.Elections;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With {@code baton.enabled=false} singleton jobs never run and no job Lease elector is even created. */
@QuarkusTest
@TestProfile(ElectionDisabledJobsTest.Disabled.class)
class ElectionDisabledJobsTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.enabled", "false", "baton.examples.enabled", "true",
                    "baton.examples.report.cron", "* * * * * ?", "test.jobs.cron", "* * * * * ?");
        }
    }

    @Inject
    Elections elections;

    @Inject
    MeterRegistry meters;

    @Test
    void noJobLeaseIsContestedAndSingletonsDoNotRun() {
        // The every-second job fires, and each fire is skipped: seen in its skip count, not waited for.
        await().atMost(PATIENCE).until(() -> meters.find("baton.job.skips").tag("job", "test-own-lease").counters()
                .stream().mapToDouble(Counter::count).sum() >= 2);
        assertTrue(elections.all().isEmpty(), "no elector at all: " + elections.all());
        assertTrue(TestJobs.OWN_LEASE_RUNS.isEmpty(), "a singleton job ran without an election");
        given().get("/jobs").then().statusCode(200)
                .body("find { it.id == 'minute-report' }.runsHere", equalTo(false))
                .body("find { it.id == 'minute-report' }.notHereBecause", equalTo("not-leader"));
    }
}
