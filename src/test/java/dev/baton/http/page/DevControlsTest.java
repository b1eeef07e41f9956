package dev.baton.http.page;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.runtime.Elections;
import dev.baton.scheduling.records.ControlKeys;
import dev.baton.store.LeaseStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The dev build's controls: each writes its annotation on the job's Lease in the embedded store, and only that
 * (the holder and the job records stay as the elector and the runs wrote them), under the key the scheduler reads
 * (a long id's short form too), and the scheduler acts on it.
 */
@QuarkusTest
@TestProfile(PageProfiles.DevBuild.class)
class DevControlsTest {

    @Inject
    Elections elections;

    LeaseStore store() {
        return elections.store();
    }

    String serviceLease() {
        return elections.settings().leaseName();
    }

    @Test
    void suspendWritesTheAnnotationAndResumeRemovesIt() {
        String key = "baton.dev/suspend." + PageJobs.PAUSED;
        Map<String, String> before = othersAfterARun(serviceLease(), PageJobs.PAUSED);
        try {
            given().contentType("application/json").body("{}").post("/baton/dev/jobs/" + PageJobs.PAUSED + "/suspend")
                    .then().statusCode(200)
                    .body("lease", equalTo(serviceLease())).body("key", equalTo(key)).body("value", equalTo("true"));
            assertEquals(Optional.of("true"), KubectlAnnotate.get(store(), serviceLease(), key));
            assertOthersKept(before, serviceLease());
            given().get("/baton/state").then().body("devControls", is(true));

            given().contentType("application/json").body("{}").post("/baton/dev/jobs/" + PageJobs.PAUSED + "/resume")
                    .then().statusCode(200).body("key", equalTo(key)).body("value", nullValue());
            assertEquals(Optional.empty(), KubectlAnnotate.get(store(), serviceLease(), key));
        } finally {
            KubectlAnnotate.annotate(store(), serviceLease(), key, null);
        }
    }

    @Test
    void runNowWritesANewTokenEachTimeOnTheJobsOwnLease() {
        String key = "baton.dev/run." + PageJobs.REPORT;
        // Watched, not read afterwards: once the scheduler acts on requests it may mark one done at once.
        List<String> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> store().get(PageJobs.REPORT_LEASE).isPresent());
        try (AutoCloseable watch = store().watch(PageJobs.REPORT_LEASE, new LeaseStore.LeaseWatcher() {
            @Override
            public void onChange(Optional<dev.baton.store.LeaseSnapshot> snapshot) {
                snapshot.map(s -> s.record().annotation(key)).ifPresent(value -> {
                    synchronized (seen) {
                        if (!seen.contains(value)) {
                            seen.add(value);
                        }
                    }
                });
            }

            @Override
            public void onClose(dev.baton.store.LeaseStoreException cause) {
            }
        })) {
            String first = given().contentType("application/json").body("{}")
                    .post("/baton/dev/jobs/" + PageJobs.REPORT + "/run").then().statusCode(200)
                    .body("lease", equalTo(PageJobs.REPORT_LEASE)).body("key", equalTo(key))
                    .body("value", startsWith("dev-")).extract().path("value");
            String second = given().contentType("application/json").body("{}")
                    .post("/baton/dev/jobs/" + PageJobs.REPORT + "/run").then().statusCode(200)
                    .extract().path("value");
            assertNotEquals(first, second, "each request is a new token, so each is a run");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                synchronized (seen) {
                    assertEquals(List.of(first, second), seen, "the tokens the Lease carried, in order");
                }
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            KubectlAnnotate.annotate(store(), PageJobs.REPORT_LEASE, key, null);
        }
    }

    @Test
    void aJobWhoseIdIsTooLongForAnAnnotationIsControlledByTheKeysItsSchedulerUses() {
        // The caller names the job only; the endpoint writes the key the scheduler reads, the short form here.
        String key = ControlKeys.of(ControlKeys.SUSPEND, PageJobs.LONG);
        assertNotEquals("baton.dev/suspend." + PageJobs.LONG, key, "the id does not fit beside suspend.");
        given().get("/jobs/" + PageJobs.LONG).then().statusCode(200).body("controls.suspend", equalTo(key));
        try {
            given().contentType("application/json").body("{}").post("/baton/dev/jobs/" + PageJobs.LONG + "/suspend")
                    .then().statusCode(200).body("lease", equalTo(serviceLease())).body("key", equalTo(key));
            assertEquals(Optional.of("true"), KubectlAnnotate.get(store(), serviceLease(), key));
            // And the scheduler acts on it: the job is suspended by that very annotation.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/jobs/" + PageJobs.LONG).then()
                    .body("suspended", is(true)).body("suspendedBy", equalTo(key))
                    .body("notHereBecause", equalTo("suspended")));

            given().contentType("application/json").body("{}").post("/baton/dev/jobs/" + PageJobs.LONG + "/resume")
                    .then().statusCode(200).body("key", equalTo(key)).body("value", nullValue());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/jobs/" + PageJobs.LONG).then()
                    .body("suspended", is(false)).body("suspendedBy", nullValue()));
        } finally {
            KubectlAnnotate.annotate(store(), serviceLease(), key, null);
        }
    }

    @Test
    void aRunRequestedHereRunsOnceAsAManualRunOfThatToken() {
        String key = ControlKeys.of(ControlKeys.RUN, PageJobs.LONG);
        await().atMost(Duration.ofSeconds(20)).until(() -> store().get(serviceLease()).isPresent());
        try {
            String token = given().contentType("application/json").body("{}")
                    .post("/baton/dev/jobs/" + PageJobs.LONG + "/run").then().statusCode(200)
                    .body("key", equalTo(key)).body("value", startsWith("dev-")).extract().path("value");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/jobs/" + PageJobs.LONG).then()
                    .body("lastRequest.request", equalTo(token))
                    .body("lastRequest.outcome", equalTo("SUCCEEDED"))
                    .body("history.findAll { it.request == '" + token + "' }.size()", equalTo(1))
                    .body("history.find { it.request == '" + token + "' }.trigger", equalTo("manual"))
                    .body("history.find { it.request == '" + token + "' }.outcome", equalTo("SUCCEEDED")));
        } finally {
            KubectlAnnotate.annotate(store(), serviceLease(), key, null);
        }
    }

    @Test
    void nothingButAControlIsWritten() {
        await().atMost(Duration.ofSeconds(20)).until(() -> store().get(serviceLease()).isPresent());
        Map<String, String> before = new HashMap<>(store().get(serviceLease()).orElseThrow().record().annotations());
        before.keySet().removeIf(DevControlsTest::writtenByRuns);
        given().contentType("application/json").body("{}").post("/baton/dev/jobs/no-such-job/suspend")
                .then().statusCode(404);
        given().contentType("application/json").body("{}").post("/baton/dev/jobs/" + PageJobs.HEARTBEAT + "/run")
                .then().statusCode(404); // per replica: no Lease to annotate
        // A form or text POST, all another web site can send without asking (no CORS preflight), is refused.
        given().contentType("text/plain").body("{}").post("/baton/dev/jobs/" + PageJobs.TICK + "/suspend")
                .then().statusCode(415);
        given().contentType("application/x-www-form-urlencoded").body("key=x")
                .post("/baton/dev/jobs/" + PageJobs.TICK + "/run").then().statusCode(415);

        Map<String, String> after = new HashMap<>(store().get(serviceLease()).orElseThrow().record().annotations());
        after.keySet().removeIf(DevControlsTest::writtenByRuns);
        assertEquals(before, after);
    }

    /** A job's record, history or run status: the runs rewrite them all the time. */
    static boolean writtenByRuns(String key) {
        return key.startsWith(ControlKeys.prefix(ControlKeys.RECORD))
                || key.startsWith(ControlKeys.prefix(ControlKeys.HISTORY))
                || key.startsWith(ControlKeys.prefix(ControlKeys.RUN_STATUS));
    }

    /** The Lease's annotations once the job has a record, but for the controls. */
    private Map<String, String> othersAfterARun(String lease, String job) {
        await().atMost(Duration.ofSeconds(20)).until(() -> KubectlAnnotate.get(store(), lease, "baton.dev/job." + job)
                .isPresent());
        Map<String, String> all = new HashMap<>(store().get(lease).orElseThrow().record().annotations());
        assertTrue(all.containsKey("baton.dev/holder-instance"), all.toString());
        return all;
    }

    /** Every annotation of {@code before} is still there: the holder's instance as it was, the runs' as they wrote them. */
    private void assertOthersKept(Map<String, String> before, String lease) {
        Map<String, String> now = store().get(lease).orElseThrow().record().annotations();
        for (Map.Entry<String, String> e : before.entrySet()) {
            assertTrue(now.containsKey(e.getKey()), "kept " + e.getKey() + ": " + now);
            if (!writtenByRuns(e.getKey())) {
                assertEquals(e.getValue(), now.get(e.getKey()), e.getKey());
            }
        }
        assertEquals(elections.identity(), store().get(lease).orElseThrow().record().holderIdentity());
    }
}
