package dev.baton.clock;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The replica on the Kubernetes store, against a test API server whose clock runs 90 s ahead of this machine's:
 * after a few answers, the estimate, readiness and the metric all say this replica is 90 s behind, within the
 * stated uncertainty; readiness stays UP.
 */
@QuarkusTest
@TestProfile(ClusterClockKubernetesTest.ClusterClockAhead.class)
class ClusterClockKubernetesTest {

    static final long AHEAD_SECONDS = 90;
    static final String ELECTION = "checks.find { it.name == 'baton-election' }.";
    static final String PATH = "/apis/coordination.k8s.io/v1/namespaces/test/leases";

    public static class ClusterClockAhead implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.store", "kubernetes", "baton.identity", "clock-test", "baton.lease-name",
                    "clock-election");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DateStampingApiServer.class,
                    Map.of(DateStampingApiServer.SERVER_CLOCK_AHEAD, String.valueOf(AHEAD_SECONDS))));
        }
    }

    @Inject
    ClusterClock clock;

    @Test
    void theTestApiServerStampsADateAndFabric8sMockAloneDoesNot() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI master = URI.create(System.getProperty("kubernetes.master"));
        HttpResponse<Void> stamped = http.send(HttpRequest.newBuilder(master.resolve(PATH)).build(),
                HttpResponse.BodyHandlers.discarding());
        Instant date = HttpDate.parse(stamped.headers().firstValue("Date").orElse(null)).orElseThrow();
        assertTrue(date.isAfter(Instant.now().plusSeconds(AHEAD_SECONDS - 60)), "stamped 90 s ahead: " + date);

        KubernetesMockServer plain = new KubernetesMockServer(false);
        plain.init();
        try {
            HttpResponse<Void> unstamped = http.send(HttpRequest.newBuilder(URI.create(plain.url(PATH))).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertNull(unstamped.headers().firstValue("Date").orElse(null),
                    "fabric8's mock now sends a Date header: DateStampingApiServer may no longer be needed");
        } finally {
            plain.destroy();
        }
    }

    @Test
    void readinessAndTheMetricShowThisReplica90sBehind() {
        await().atMost(Duration.ofSeconds(30)).until(() -> clock.current().samples() >= 3);
        ClockEstimate estimate = clock.current();
        double offset = ClockEstimate.seconds(estimate.offset());
        double uncertainty = ClockEstimate.seconds(estimate.uncertainty());
        assertTrue(Math.abs(offset + AHEAD_SECONDS) <= uncertainty, estimate.describe());
        assertEquals(ClockTrust.BEYOND, clock.trust(), "90 s is beyond the default 2 s: " + estimate.describe());

        // Readiness shows it and stays UP: the election does not depend on wall clocks.
        given().get("/q/health/ready").then().statusCode(200)
                .body(ELECTION + "status", is("UP"))
                .body(ELECTION + "data.clockOffset",
                        matchesPattern("-(89|90)\\.\\d\\ds ±0\\.\\d\\ds \\(\\d+ samples\\)"));

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double gauge = gauge(metrics, "baton_clock_offset_seconds");
        double gaugeUncertainty = gauge(metrics, "baton_clock_offset_uncertainty_seconds");
        assertTrue(Math.abs(gauge + AHEAD_SECONDS) <= gaugeUncertainty, gauge + " ± " + gaugeUncertainty);
    }

    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), name + " missing from /q/metrics");
        return Double.parseDouble(m.group(1));
    }
}
