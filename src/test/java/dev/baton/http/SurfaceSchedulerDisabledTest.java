package dev.baton.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link HttpSurfaceContract} with {@code quarkus.scheduler.enabled=false}: singleton jobs declared, the scheduler
 * not started. They are listed with their Leases, as never fired here.
 */
@QuarkusTest
@TestProfile(SurfaceSchedulerDisabledTest.SchedulerOff.class)
class SurfaceSchedulerDisabledTest extends HttpSurfaceContract {

    public static class SchedulerOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.scheduler.enabled", "false", "test.jobs.every", "1s");
        }
    }

    @Inject
    Scheduler scheduler;

    @Test
    void singletonJobsAreListedAsNotScheduled() {
        assertFalse(scheduler.isStarted());
        given().get("/jobs/test-singleton").then().statusCode(200)
                .body("kind", equalTo("singleton"))
                .body("notHereBecause", equalTo("not scheduled"));
    }
}
