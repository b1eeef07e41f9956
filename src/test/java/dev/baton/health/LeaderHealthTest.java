package dev.baton.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The test profile elects itself on the embedded store (as {@code quarkus:dev} does): health says it leads, and
 * says plainly that no cluster is involved; the metrics show the same.
 */
@QuarkusTest
class LeaderHealthTest {

    static final String ELECTION = "checks.find { it.name == 'baton-election' }.";
    static final String ELECTOR = "checks.find { it.name == 'baton-elector' }.";

    @Inject
    Leadership leadership;

    @Test
    void readinessShowsTheLeaderAndTheEmbeddedStore() {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        long epoch = leadership.currentTerm().orElseThrow().epoch();
        given().get("/q/health/ready").then().statusCode(200)
                .body(ELECTION + "status", is("UP"))
                .body(ELECTION + "data.role", is("leader"))
                .body(ELECTION + "data.holder", is(leadership.identity()))
                .body(ELECTION + "data.identity", is(leadership.identity()))
                .body(ELECTION + "data.lease", is(leadership.lease().toString()))
                .body(ELECTION + "data.epoch", equalTo((int) epoch))
                .body(ELECTION + "data.lastRenewal", notNullValue())
                .body(ELECTION + "data.store", containsString("embedded"))
                .body(ELECTION + "data.clockOffset", is("no cluster clock (embedded store)"));
    }

    @Test
    void livenessIsUpWhileTheElectorRenews() {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        given().get("/q/health/live").then().statusCode(200)
                .body(ELECTOR + "status", is("UP"))
                .body(ELECTOR + "data.wedgedAfter", notNullValue());
    }

    @Test
    void metricsShowTheLeaderGaugeAndItsTerm() {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("baton_leader{lease=\"baton-leader\"} 1.0"))
                .body(containsString("baton_leadership_transitions_total{lease=\"baton-leader\"}"))
                .body(containsString("baton_lease_renew_seconds_count{lease=\"baton-leader\",outcome=\"success\"}"))
                .body(containsString("baton_clock_offset_seconds NaN")));
    }
}
