package dev.baton.http;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link HttpSurfaceContract} with the Kubernetes store and no API server (a refused connection): every Lease
 * failing, the jobs firing. The endpoints are asked once the failure is known, not in the first moments.
 */
@QuarkusTest
@TestProfile(SurfaceApiUnreachableTest.NoApi.class)
class SurfaceApiUnreachableTest extends HttpSurfaceContract {

    public static class NoApi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
            return Map.of("baton.store", "kubernetes", "quarkus.kubernetes-client.api-server-url", "http://127.0.0.1:9",
                    "baton.lease-duration", "2s", "baton.renew-deadline", "1200ms", "baton.retry-period", "300ms",
                    "test.jobs.every", "1s", "test.jobs.cron", "* * * * * ?");
        }
    }

    @BeforeEach
    void untilTheFailureIsKnown() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/baton/state").then()
                .body("leases.find { it.name == 'baton-leader' }.error", containsString("UNREACHABLE")));
    }

    @Test
    void theJobsAreListed() {
        given().get("/jobs").then().statusCode(200).body("id", hasItem("test-own-lease"));
    }
}
