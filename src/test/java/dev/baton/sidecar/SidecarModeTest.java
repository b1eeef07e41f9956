package dev.baton.sidecar;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import dev.baton.runtime.Elections;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Sidecar mode ({@code --election=worker-election --http=0.0.0.0:4040}): {@code GET /} answers as
 * {@code registry.k8s.io/leader-elector} did, and the leader file follows every change of holder.
 */
@QuarkusTest
@TestProfile(SidecarModeTest.Sidecar.class)
class SidecarModeTest {

    static final Path LEADER_FILE = Path.of("target", "sidecar-mode-test", "leader");

    public static class Sidecar implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.mode", "sidecar", "baton.lease-name", "worker-election",
                    "baton.sidecar.leader-file", LEADER_FILE.toString(),
                    "baton.lease-duration", "2s", "baton.renew-deadline", "1200ms", "baton.retry-period", "300ms",
                    // the per-replica example, built in and on: a sidecar must still skip it
                    "baton.examples.enabled", "true", "baton.examples.heartbeat.every", "1s");
        }
    }

    @Inject
    Leadership leadership;

    @Inject
    Elections elections;

    static final java.util.List<String> SKIPPED = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Quarkus reports every fire a skip predicate refused. */
    @jakarta.inject.Singleton
    static class Skips {
        void onSkip(@jakarta.enterprise.event.Observes io.quarkus.scheduler.SkippedExecution skipped) {
            SKIPPED.add(skipped.triggerId);
        }
    }

    @Test
    void theProcessRunsNoJobOfItsOwn() {
        // The per-replica example fires every second here; in sidecar mode each fire is skipped.
        await().atMost(Duration.ofSeconds(20)).until(() -> SKIPPED.contains("replica-heartbeat"));
    }

    @Test
    void rootAnswersTheLeadersNameAndTheFileFollowsEveryChange() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        String me = leadership.identity();
        given().get("/").then().statusCode(200).contentType(ContentType.JSON).body("name", is(me))
                .body("size()", is(1)); // the name and nothing else
        await().atMost(Duration.ofSeconds(10)).until(() -> me.equals(read()));

        // Handing over: nobody holds the Lease for a moment, then this replica (the only one) takes it back.
        elections.service().releaseNow();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/").then().body("name", is("")));
        await().atMost(Duration.ofSeconds(10)).until(() -> "".equals(read()));
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        await().atMost(Duration.ofSeconds(10)).until(() -> me.equals(read()));
        given().get("/").then().statusCode(200).body("name", is(me));
        try (var files = Files.list(LEADER_FILE.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left next to the leader file");
        }
    }

    private static String read() throws Exception {
        return Files.exists(LEADER_FILE) ? Files.readString(LEADER_FILE) : null;
    }
}
