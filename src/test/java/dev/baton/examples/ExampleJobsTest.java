package dev.baton.examples;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The shipped examples, switched on with fast schedules: each kind runs and shows up in GET /jobs. */
@QuarkusTest
@TestProfile(ExampleJobsTest.ExamplesOn.class)
class ExampleJobsTest {

    public static class ExamplesOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The switch builds the examples in (a build-time property: this profile's app is built apart).
            return Map.of("baton.examples.enabled", "true", "baton.examples.summary.every", "1s",
                    "baton.examples.report.cron", "* * * * * ?", "baton.examples.heartbeat.every", "1s");
        }
    }

    @Inject
    Leadership leadership;

    @Test
    void eachExampleRunsAndIsListed() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/jobs").then().statusCode(200)
                .body("find { it.id == 'cluster-summary' }.kind", equalTo("singleton"))
                .body("find { it.id == 'cluster-summary' }.lastRun.replica", equalTo(leadership.identity()))
                .body("find { it.id == 'minute-report' }.lease", endsWith("/baton-example-report"))
                .body("find { it.id == 'minute-report' }.holder", equalTo(leadership.identity()))
                .body("find { it.id == 'minute-report' }.catchUp", equalTo("RUN_LATEST"))
                .body("find { it.id == 'minute-report' }.lastRun.outcome", equalTo("SUCCEEDED"))
                .body("find { it.id == 'replica-heartbeat' }.kind", equalTo("per-replica"))
                .body("find { it.id == 'replica-heartbeat' }.schedule", equalTo("every 1s"))
                .body("find { it.id == 'replica-heartbeat' }.nextFireTime", notNullValue()));
    }
}
