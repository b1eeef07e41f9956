package dev.baton.health;

import static dev.baton.health.LeaderHealthTest.ELECTION;
import static dev.baton.health.LeaderHealthTest.ELECTOR;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code baton.enabled=false} ({@code --leader-elect=false}): the replica is ready and alive, and says it never leads. */
@QuarkusTest
@TestProfile(DisabledHealthTest.Disabled.class)
class DisabledHealthTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.enabled", "false");
        }
    }

    @Test
    void healthSaysDisabledAndStaysUp() {
        given().get("/q/health/ready").then().statusCode(200)
                .body(ELECTION + "status", is("UP"))
                .body(ELECTION + "data.role", is("disabled"));
        given().get("/q/health/live").then().statusCode(200).body(ELECTOR + "status", is("UP"));
        given().get("/q/metrics").then().body(containsString("baton_leader{lease=\"baton-leader\"} 0.0"));
    }
}
