package dev.baton.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link HttpSurfaceContract} on the dev build ({@code ./mvnw quarkus:dev}): the example jobs built in, the test
 * jobs firing, and the dev controls' {@code POST}s asked for an unknown job and for every job listed.
 */
@QuarkusTest
@TestProfile(SurfaceDevBuildTest.DevBuild.class)
class SurfaceDevBuildTest extends HttpSurfaceContract {

    public static class DevBuild implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "dev,test"; // the test profile last, so that its keys win (a random port)
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("test.jobs.every", "1s", "test.jobs.cron", "* * * * * ?");
        }
    }

    @Test
    void theExamplesAndTheDevControlsAreBuiltIn() {
        given().get("/jobs").then().statusCode(200).body("id", hasItem("cluster-summary"));
        assertTrue(resourceEndpoints().contains(new Endpoint("POST", "/baton/dev/jobs/" + UNKNOWN + "/run")),
                "the dev controls were not found, so not asked: " + resourceEndpoints());
    }
}
