package dev.baton.http;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.records.JobRecord;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;

/**
 * What anyone who reaches the HTTP port sees (no endpoint asks who is calling): names, times and outcomes. A failing
 * job is shown by its exception's class and the first line of its message, at most 200 characters, in its Lease
 * record and in {@code GET /jobs}; never the rest of the message, its cause, a stack trace, the client's token or
 * the environment. The token here is one the client really sends to the (test) API server.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(UnauthenticatedEndpointsTest.FailingJobOnKubernetes.class)
class UnauthenticatedEndpointsTest {

    static final String TOKEN = "s3cr3t-token-of-the-service-account";

    public static class FailingJobOnKubernetes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.store", "kubernetes", "quarkus.kubernetes-client.token", TOKEN,
                    "test.jobs.failing.every", "1s");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Test
    void aFailureIsShownByItsClassAndBoundedFirstLineOnly() {
        Map<String, String> expected = Map.of(
                FailingJob.MULTILINE, "java.lang.IllegalStateException: " + FailingJob.FIRST_LINE,
                FailingJob.LONG, ("java.lang.IllegalArgumentException: " + FailingJob.LONG_LINE).substring(0, 200));
        await().atMost(Duration.ofSeconds(20)).until(() -> record(FailingJob.MULTILINE).isPresent()
                && record(FailingJob.LONG).isPresent());
        for (Map.Entry<String, String> job : expected.entrySet()) {
            JobRecord record = JobRecord.parse(record(job.getKey()).orElseThrow()).orElseThrow();
            assertEquals(JobRecord.Outcome.FAILED, record.outcome());
            assertEquals(job.getValue(), record.error(), "the Lease record of " + job.getKey());
            given().get("/jobs").then().statusCode(200)
                    .body("find { it.id == '" + job.getKey() + "' }.lastRun.outcome", equalTo("FAILED"))
                    .body("find { it.id == '" + job.getKey() + "' }.lastRun.error", equalTo(job.getValue()));
        }
    }

    @Test
    void noResponseCarriesTheTokenTheRestOfAnErrorAStackTraceOrTheEnvironment() {
        // Failures to (not) show.
        await().atMost(Duration.ofSeconds(20)).until(() -> record(FailingJob.MULTILINE).isPresent()
                && record(FailingJob.LONG).isPresent());
        List<String> authorizations = new ArrayList<>();
        RecordedRequest request;
        try {
            while ((request = server.getKubernetesMockServer().takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
                authorizations.add(request.getHeader("Authorization"));
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertTrue(authorizations.contains("Bearer " + TOKEN), "the client authenticates with the token");

        String path = System.getenv("PATH");
        List<Response> responses = new ArrayList<>();
        for (String url : List.of("/jobs", "/q/health", "/q/health/ready", "/q/health/live", "/q/health/started",
                "/q/metrics", "/", "/no-such-page", "/baton", "/baton/state")) {
            responses.add(given().get(url));
        }
        responses.add(given().post("/jobs")); // a method the resource does not have
        for (Response response : responses) {
            String body = response.asString();
            assertFalse(body.contains(TOKEN), body);
            assertFalse(body.contains(FailingJob.SECOND_LINE), body);
            assertFalse(body.contains(FailingJob.CAUSE), body);
            assertFalse(body.contains("end-never-shown"), body);
            assertFalse(body.contains(".java:"), "a stack frame: " + body);
            assertFalse(path != null && body.contains(path), "the environment's PATH: " + body);
            response.getHeaders().forEach(h -> assertFalse(h.getValue().contains(TOKEN), h.toString()));
        }
    }

    /** The job's record in the service-wide Lease, as the API server holds it. */
    private Optional<String> record(String job) {
        Lease lease = server.getClient().leases().inNamespace("test").withName("baton-leader").get();
        return lease == null || lease.getMetadata().getAnnotations() == null ? Optional.empty()
                : Optional.ofNullable(lease.getMetadata().getAnnotations().get(JobRecord.PREFIX + job));
    }
}
