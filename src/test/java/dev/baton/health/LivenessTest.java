package dev.baton.health;

import static dev.baton.health.LeaderHealthTest.ELECTOR;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import dev.baton.LeaseRef;
import dev.baton.election.ElectionObserver;
import dev.baton.scheduling.gate.Overruns;
import dev.baton.store.LeaseStoreException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Liveness goes DOWN for what a restart cures: an elector whose thread is stuck, and a singleton run that goes on
 * long after its term ended. It comes back UP when the cause goes away.
 */
@QuarkusTest
@TestProfile(LivenessTest.ShortTimings.class)
class LivenessTest {

    public static class ShortTimings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Embedded store: wedgedAfter = 1.2 x 2s + 0 + 1.2s = 3.6s.
            return Map.of("baton.lease-duration", "2s", "baton.renew-deadline", "1200ms", "baton.retry-period",
                    "300ms", "baton.health.overrun-limit", "30s");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ScriptedRuns.class);
        }
    }

    @Inject
    Leadership leadership;

    @AfterEach
    void release() {
        StuckObserver.unblock();
        ScriptedRuns.overruns.clear();
    }

    @Test
    void aStuckElectorThreadTurnsLivenessDownAndRecovers() {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        given().get("/q/health/live").then().statusCode(200).body(ELECTOR + "data.wedgedAfter", is("PT3.6S"));

        StuckObserver.block(); // the elector's next round hangs in an observer, as a bad callback would
        await().atMost(Duration.ofSeconds(10)).until(() -> !leadership.isLeader()); // the watchdog ends the term
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/live").then()
                .statusCode(503)
                .body(ELECTOR + "status", is("DOWN"))
                .body(ELECTOR + "data.problem", containsString("its thread is stuck")));

        StuckObserver.unblock();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/live").then()
                .statusCode(200));
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
    }

    @Test
    void aRunGoingOnLongAfterItsTermTurnsLivenessDown() {
        ScriptedRuns.overruns.add(new Overruns.Overrun("report-job", new LeaseRef("test", "report-job"), 7, Duration.ofSeconds(5)));
        given().get("/q/health/live").then().statusCode(200); // still within the limit: it may be stopping

        ScriptedRuns.overruns.add(new Overruns.Overrun("cleanup-job", new LeaseRef("test", "cleanup-job"), 3, Duration.ofSeconds(31)));
        given().get("/q/health/live").then().statusCode(503)
                .body(ELECTOR + "status", is("DOWN"))
                .body(ELECTOR + "data.problem", allOf(containsString("job cleanup-job still runs 31s after its term"),
                        containsString("epoch 3"), containsString("limit 30s")));

        ScriptedRuns.overruns.clear();
        given().get("/q/health/live").then().statusCode(200);
    }

    /** Stands in for the job gate. */
    @Alternative
    @Singleton
    public static class ScriptedRuns implements Overruns {
        static final List<Overrun> overruns = new CopyOnWriteArrayList<>();

        @Override
        public List<Overrun> overruns() {
            return List.copyOf(overruns);
        }
    }

    /** Inert unless a test blocks it; then the elector's next round hangs here. */
    @Singleton
    public static class StuckObserver implements ElectionObserver {
        private static volatile CountDownLatch gate;

        static void block() {
            gate = new CountDownLatch(1);
        }

        static void unblock() {
            CountDownLatch g = gate;
            gate = null;
            if (g != null) {
                g.countDown();
            }
        }

        @Override
        public void attempted(LeaseRef lease, boolean asLeader, Duration latency, LeaseStoreException failure) {
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
