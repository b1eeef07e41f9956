package dev.baton.observability;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Spans leave the application for a configured OTLP/HTTP endpoint: the SDK turned on at run time as docs/tracing.md
 * says, and a stand-in receiver on loopback in place of a collector. A run of a singleton job arrives with its job
 * id and its term's epoch in the protobuf sent. The same application exports the job's alerting gauges.
 */
@QuarkusTest
@TestProfile(OtlpExportTest.Traced.class)
class OtlpExportTest {

    public static class Traced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("test.jobs.traced.every", "1s",
                    "quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                    // A batch every 200 ms rather than Quarkus's 5 s, so the test waits less.
                    "quarkus.otel.bsp.schedule.delay", "200ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Receiver.class));
        }
    }

    /** What a collector would receive: every request's body, decompressed, on any path. */
    public static class Receiver implements QuarkusTestResourceLifecycleManager {

        static final List<byte[]> BODIES = new CopyOnWriteArrayList<>();
        static final List<String> PATHS = new CopyOnWriteArrayList<>();
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
                    BODIES.add((gzip ? new GZIPInputStream(in) : in).readAllBytes());
                    PATHS.add(exchange.getRequestURI().getPath());
                }
                // An empty ExportTraceServiceResponse: all accepted.
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return Map.of("quarkus.otel.exporter.otlp.traces.endpoint",
                    "http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void stop() {
            server.stop(0);
        }
    }

    @Test
    void aRunsSpanArrivesWithItsJobIdAndEpoch() {
        await().atMost(Duration.ofSeconds(30)).until(() -> !TracedJob.RUNS.isEmpty());
        long epoch = TracedJob.RUNS.get(0).epoch();
        byte[] jobId = TracedJob.ID.getBytes(StandardCharsets.UTF_8);
        byte[] epochAttribute = epochAttribute(epoch);
        await().atMost(Duration.ofSeconds(30)).until(() -> Receiver.BODIES.stream()
                .anyMatch(b -> contains(b, jobId) && contains(b, epochAttribute)));
        assertTrue(Receiver.PATHS.contains("/v1/traces"), () -> "paths: " + Receiver.PATHS);
    }

    @Test
    void theJobsAlertingGaugesAreExported() {
        await().atMost(Duration.ofSeconds(30)).until(() -> !TracedJob.RUNS.isEmpty());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("baton_job_suspended{job=\"" + TracedJob.ID + "\",lease=\"baton-leader\"} 0.0"))
                .body(containsString("baton_job_period_seconds{job=\"" + TracedJob.ID + "\",lease=\"baton-leader\"} 1.0"))
                .body(containsString("baton_job_failures_in_a_row{job=\"" + TracedJob.ID + "\",lease=\"baton-leader\"} 0.0"))
                .body(containsString("baton_lease_held{lease=\"baton-leader\"} 1.0"))
                .body(containsString("baton_clock_refused 0.0")));
        // The run's final record rides on the elector's next renewal, so the Lease says "succeeded" (and the gauge
        // leaves NaN) up to a retry period after the run itself ended: wait for it rather than read once.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String success = given().get("/q/metrics").asString().lines()
                    .filter(l -> l.startsWith("baton_job_last_success_timestamp_seconds{job=\"" + TracedJob.ID))
                    .findFirst().orElseThrow();
            assertTrue(!success.endsWith("NaN"), success);
        });
    }

    /**
     * The span attribute {@code baton.term.epoch = epoch} as OTLP's protobuf encodes it: a KeyValue whose key (field
     * 1) is the name and whose value (field 2) is an AnyValue holding the int (field 3, a varint).
     */
    static byte[] epochAttribute(long epoch) {
        ByteArrayOutputStream varint = new ByteArrayOutputStream();
        long v = epoch;
        while ((v & ~0x7FL) != 0) {
            varint.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        varint.write((int) v);
        byte[] key = RunSpans.EPOCH.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x0A);
        out.write(key.length);
        out.writeBytes(key);
        out.write(0x12);
        out.write(1 + varint.size());
        out.write(0x18);
        out.writeBytes(varint.toByteArray());
        return out.toByteArray();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
