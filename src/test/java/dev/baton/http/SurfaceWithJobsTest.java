package dev.baton.http;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItems;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@link HttpSurfaceContract} with jobs of every kind firing every second, some failing, on the embedded store. */
@QuarkusTest
@TestProfile(SurfaceWithJobsTest.Jobs.class)
class SurfaceWithJobsTest extends HttpSurfaceContract {

    public static class Jobs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("test.jobs.every", "1s", "test.jobs.cron", "* * * * * ?", "test.jobs.failing.every", "1s",
                    "test.shutdown.every", "1s",
                    // FailingJob fails every run on purpose: the scheduler's error log of each is noise here
                    "quarkus.log.category.\"io.quarkus.scheduler.common.runtime.StatusEmitterInvoker\".level", "OFF");
        }
    }

    @Test
    void everyKindOfJobIsListedOnceItHasRun() {
        given().get("/jobs").then().statusCode(200)
                .body("kind", hasItems("singleton", "leader-only", "per-replica"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/jobs").then()
                .body("findAll { it.lastRun != null }.id", hasItems("test-singleton", FailingJob.MULTILINE)));
    }
}
