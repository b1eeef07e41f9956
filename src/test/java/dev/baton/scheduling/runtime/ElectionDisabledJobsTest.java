package dev.baton.scheduling.runtime;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.runtime.Elections;
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

    @Test
    void noJobLeaseIsContestedAndSingletonsDoNotRun() throws InterruptedException {
        Thread.sleep(2000); // several fires of each every-second job
        assertTrue(elections.all().isEmpty(), "no elector at all: " + elections.all());
        assertTrue(TestJobs.OWN_LEASE_RUNS.isEmpty(), "a singleton job ran without an election");
        given().get("/jobs").then().statusCode(200)
                .body("find { it.id == 'minute-report' }.runsHere", equalTo(false))
                .body("find { it.id == 'minute-report' }.notHereBecause", equalTo("not-leader"));
    }
}
