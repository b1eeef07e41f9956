package dev.baton.http;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import dev.baton.http.page.PageJobs;
import dev.baton.observability.TracedJob;
import dev.baton.scheduling.runtime.ShutdownProbe;
import dev.baton.scheduling.runtime.TestJobs;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The application as a new user first deploys it, and as the product build is: no {@code @Scheduled} method at all,
 * so Quarkus does not start its scheduler (every query of it but {@code isStarted} then throws). The jobs endpoint
 * answers "no jobs", an unknown job is not found, the status page says there are no jobs yet and where the README
 * shows how to write one, and the election goes on as usual.
 */
@QuarkusTest
@TestProfile(NoScheduledMethodTest.NoJobs.class)
class NoScheduledMethodTest extends HttpSurfaceContract {

    /**
     * The test build without the test sources' jobs. The examples are not built in (tests build them only when
     * their profile says so), and these are the test beans that declare {@code @Scheduled} methods; one added
     * elsewhere starts the scheduler, which {@link #theSchedulerIsNotStarted} reports.
     */
    public static class NoJobs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.arc.exclude-types", String.join(",",
                    // class literals, not strings: a moved test job breaks the build here instead of starting the scheduler
                    TestJobs.class.getName(), ShutdownProbe.class.getName(),
                    PageJobs.class.getName(), FailingJob.class.getName(), TracedJob.class.getName()));
        }
    }

    @Inject
    Scheduler scheduler;

    @Inject
    Leadership leadership;

    @Test
    void theSchedulerIsNotStarted() {
        assertFalse(scheduler.isStarted(), "a @Scheduled method is in this build: exclude its bean in "
                + NoJobs.class.getName() + ", or this test no longer tests a build without jobs");
    }

    @Test
    void jobsAnswersNoJobsAndTheElectionGoesOn() {
        given().get("/jobs").then().statusCode(200).body("$", empty());
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        given().get("/baton/state").then().statusCode(200)
                .body("leases.size()", is(1))
                .body("leases[0].name", is("baton-leader"))
                .body("leases[0].holder", is(leadership.identity()))
                .body("leases[0].heldHere", is(true));
    }

    @Test
    void thePageSaysNoJobsYetAndPointsToTheReadmeExample() {
        given().get("/baton").then().statusCode(200)
                .body(containsString("No jobs yet"))
                .body(containsString("Scheduled jobs: per replica, or once across the cluster"));
    }
}
