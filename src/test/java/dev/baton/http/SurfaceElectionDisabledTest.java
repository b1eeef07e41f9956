package dev.baton.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@link HttpSurfaceContract} with {@code baton.enabled=false}: no elector at all, the jobs firing. */
@QuarkusTest
@TestProfile(SurfaceElectionDisabledTest.Disabled.class)
class SurfaceElectionDisabledTest extends HttpSurfaceContract {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.enabled", "false", "test.jobs.every", "1s", "test.jobs.cron", "* * * * * ?");
        }
    }

    @Test
    void theJobsAreListedAndNoLeaseIsShown() {
        given().get("/jobs").then().statusCode(200).body("id", hasItem("test-singleton"));
        given().get("/baton/state").then().statusCode(200).body("leases.size()", is(0));
    }
}
