package dev.baton.scheduling.runtime;

import static dev.baton.TestPatience.PATIENCE;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import dev.baton.Leaderships;
import dev.baton.election.LeaderElector;
import dev.baton.runtime.Elections;
import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonRun;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The CDI wiring on the embedded store: Quarkus's scheduler fires {@code @SingletonJob} methods through the
 * interceptor inside a term, records them in the Lease, counts them, and {@code GET /jobs} shows each kind.
 */
@QuarkusTest
@TestProfile(SingletonJobsWiringTest.Jobs.class)
class SingletonJobsWiringTest {

    public static class Jobs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("test.jobs.every", "1s", "test.jobs.cron", "* * * * * ?",
                    "baton.jobs.spread-step", "100ms", "baton.lease-duration", "3s", "baton.renew-deadline", "2s",
                    "baton.retry-period", "500ms",
                    // the examples built in, unscheduled (application.properties): GET /jobs lists an 'off' job
                    "baton.examples.enabled", "true");
        }
    }

    @Inject
    Leadership leadership;

    @Inject
    Elections elections;

    @Inject
    Leaderships leaderships;

    @Inject
    MeterRegistry meters;

    @Inject
    Scheduler scheduler;


    @Test
    void aSingletonJobRunsInsideTheTermAndIsRecordedInTheLease() {
        await().atMost(PATIENCE).until(() -> !TestJobs.SERVICE_RUNS.isEmpty());
        SingletonRun run = TestJobs.SERVICE_RUNS.get(0);
        assertEquals("test-singleton", run.job());
        assertEquals(leadership.currentTerm().orElseThrow().epoch(), run.epoch());
        assertEquals(leadership.lease(), run.term().lease());

        await().atMost(PATIENCE).until(() -> elections.store().get("baton-leader").orElseThrow().record()
                .annotation("baton.dev/job.test-singleton") != null);
        JobRecord record = JobRecord.parse(elections.store().get("baton-leader").orElseThrow().record()
                .annotation("baton.dev/job.test-singleton")).orElseThrow();
        assertEquals(leadership.identity(), record.replica());
        assertEquals(JobRecord.Outcome.SUCCEEDED, record.outcome());
        await().atMost(PATIENCE).until(() -> meters.find("baton.job.runs").tag("job", "test-singleton")
                .tag("outcome", "succeeded").counter() != null);
    }

    @Test
    void aPerJobLeaseJobRunsUnderItsOwnLease() {
        await().atMost(PATIENCE).until(() -> !TestJobs.OWN_LEASE_RUNS.isEmpty());
        SingletonRun run = TestJobs.OWN_LEASE_RUNS.get(0);
        assertEquals("test-own-lease", run.term().lease().name(), run.term().lease().toString());
        assertEquals(0, run.slot().getNano(), "a cron run is named by its whole-second slot");
        await().atMost(PATIENCE).until(() -> elections.store().get("test-own-lease").orElseThrow().record()
                .annotation("baton.dev/job.test-own-lease") != null);

        // Its leadership can be asked, read-only, without reaching for the elector.
        Leadership own = leaderships.forLease("test-own-lease").orElseThrow();
        assertEquals(run.term().lease(), own.lease());
        await().atMost(PATIENCE).until(() -> own.holder().equals(Optional.of(leadership.identity())));
        assertFalse(own instanceof LeaderElector, "a view, not the elector (which could release the Lease)");
        assertEquals(Optional.empty(), leaderships.forLease("nobody-contests-this"));
        assertSame(leadership, leaderships.service());
    }

    @Test
    void afterAHandoverTheMissedSlotIsCaughtUpOnceThroughTheInterceptor() {
        await().atMost(PATIENCE).until(() -> !TestJobs.OWN_LEASE_RUNS.isEmpty());
        LeaderElector own = elections.forLease("test-own-lease");
        await().atMost(PATIENCE).until(own::isLeader);
        own.releaseNow(); // steps aside for a lease duration: slots pass with nobody leading, then it takes it back

        await().atMost(PATIENCE).until(() -> TestJobs.OWN_LEASE_RUNS.stream().anyMatch(SingletonRun::catchUp));
        List<java.time.Instant> slots = TestJobs.OWN_LEASE_RUNS.stream().map(SingletonRun::slot).toList();
        assertEquals(slots.size(), new HashSet<>(slots).size(), "no slot ran twice: " + slots);
    }

    @Test
    void aProgrammaticJobIsGatedByTheSamePredicate() {
        AtomicInteger runs = new AtomicInteger();
        scheduler.newJob("test-programmatic").setInterval("1s").setSkipPredicate(LeaderOnly.class)
                .setTask(execution -> runs.incrementAndGet()).schedule();
        try {
            await().atMost(PATIENCE).until(() -> runs.get() > 0);
            given().get("/jobs").then().statusCode(200)
                    .body("find { it.id == 'test-programmatic' }.kind", equalTo("leader-only"))
                    .body("find { it.id == 'test-programmatic' }.holder", equalTo(leadership.identity()))
                    .body("find { it.id == 'test-programmatic' }.runsHere", equalTo(true));
        } finally {
            scheduler.unscheduleJob("test-programmatic");
        }
    }

    @Test
    void jobsEndpointListsEachKind() {
        await().atMost(PATIENCE).until(() -> !TestJobs.SERVICE_RUNS.isEmpty() && !TestJobs.PER_REPLICA_RUNS.isEmpty());
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/jobs").then().statusCode(200)
                .body("find { it.id == 'test-singleton' }.kind", equalTo("singleton"))
                .body("find { it.id == 'test-singleton' }.holder", equalTo(leadership.identity()))
                .body("find { it.id == 'test-singleton' }.runsHere", equalTo(true))
                .body("find { it.id == 'test-singleton' }.lastRun.replica", equalTo(leadership.identity()))
                .body("find { it.id == 'test-singleton' }.lastRun.outcome", equalTo("SUCCEEDED"))
                .body("find { it.id == 'test-singleton' }.nextFireTime", notNullValue())
                .body("find { it.id == 'test-own-lease' }.lease", equalTo(elections.store().namespace()
                        + "/test-own-lease"))
                .body("find { it.id == 'test-own-lease' }.catchUp", equalTo("RUN_LATEST"))
                .body("find { it.id == 'test-per-replica' }.kind", equalTo("per-replica"))
                .body("find { it.id == 'test-per-replica' }.runsHere", equalTo(true))
                .body("find { it.id == 'cluster-summary' }.schedule", equalTo("off")));
    }

    /** Edits the service Lease's annotations in the embedded store, as kubectl annotate would in a cluster. */
    void annotate(UnaryOperator<Map<String, String>> edit) {
        for (int i = 0; i < 20; i++) {
            LeaseSnapshot s = elections.store().get("baton-leader").orElseThrow();
            LeaseRecord r = s.record();
            if (elections.store().update(s, new LeaseRecord(r.holderIdentity(), r.leaseDurationSeconds(),
                    r.acquireTime(), r.renewTime(), r.leaseTransitions(), edit.apply(new HashMap<>(r.annotations()))))
                    .isPresent()) {
                return;
            }
        }
        throw new AssertionError("could not annotate the Lease");
    }

    @Test
    void jobsShowTheControlsHistoryAndSuspensionOfEachSingletonJob() {
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/jobs/test-singleton").then().statusCode(200)
                .body("id", equalTo("test-singleton"))
                .body("controls.suspend", equalTo("baton.dev/suspend.test-singleton"))
                .body("controls.run", equalTo("baton.dev/run.test-singleton"))
                .body("suspended", equalTo(false))
                .body("history[0].trigger", equalTo("schedule"))
                .body("history[0].replica", equalTo(leadership.identity()))
                .body("history[0].attempt", equalTo(1)));
        given().get("/jobs/no-such-job").then().statusCode(404);
        given().get("/jobs").then().statusCode(200)
                .body("find { it.id == 'test-per-replica' }.controls", equalTo(null))
                .body("find { it.id == 'test-per-replica' }.history.size()", equalTo(0));

        annotate(a -> {
            a.put("baton.dev/suspend", "true");
            return a;
        });
        try {
            await().atMost(PATIENCE).untilAsserted(() -> given().get("/jobs/test-singleton").then()
                    .body("suspended", equalTo(true))
                    .body("suspendedBy", equalTo("baton.dev/suspend"))
                    .body("runsHere", equalTo(false))
                    .body("notHereBecause", equalTo("suspended")));
            await().atMost(PATIENCE).until(() -> meters.find("baton.job.skips").tag("job", "test-singleton")
                    .tag("reason", "suspended").counter() != null);
        } finally {
            annotate(a -> {
                a.remove("baton.dev/suspend");
                return a;
            });
        }
    }

    @Test
    void aRunRequestGoesThroughTheInterceptorAndIsAnswered() {
        await().atMost(PATIENCE).until(() -> leadership.isLeader());
        int before = TestJobs.SERVICE_RUNS.size();
        annotate(a -> {
            a.put("baton.dev/run.test-singleton", "wiring-1");
            return a;
        });
        await().atMost(PATIENCE).until(() -> JobRecord.parse(elections.store().get("baton-leader").orElseThrow()
                .record().annotation("baton.dev/run-status.test-singleton"))
                .filter(s -> "wiring-1".equals(s.request()) && s.outcome() == JobRecord.Outcome.SUCCEEDED)
                .isPresent());
        assertTrue(TestJobs.SERVICE_RUNS.size() > before);
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/jobs/test-singleton").then()
                .body("lastRequest.request", equalTo("wiring-1"))
                .body("lastRequest.trigger", equalTo("manual"))
                .body("history.find { it.request == 'wiring-1' }.trigger", equalTo("manual")));
    }
}
