package dev.baton.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.notNullValue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link HttpSurfaceContract} in sidecar mode, as the sidecar is deployed: the product build, so no scheduled
 * method and no started scheduler.
 */
@QuarkusTest
@TestProfile(SurfaceSidecarTest.Sidecar.class)
class SurfaceSidecarTest extends HttpSurfaceContract {

    public static class Sidecar implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new NoScheduledMethodTest.NoJobs().getConfigOverrides());
            config.put("baton.mode", "sidecar");
            config.put("baton.lease-name", "worker-election");
            return config;
        }
    }

    @Test
    void theSidecarAnswersAndSoDoJobs() {
        given().get("/").then().statusCode(200).body("name", notNullValue());
        given().get("/jobs").then().statusCode(200).body("$", empty());
    }
}
