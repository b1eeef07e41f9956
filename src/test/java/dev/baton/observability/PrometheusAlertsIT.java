package dev.baton.observability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.store.KubernetesLeaseStore;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * The shipped alert rules in a real Prometheus (Debian's), started on loopback, scraping three replicas that elect
 * a job Lease on a Kubernetes test API server. Each replica is the job logic of the application in this JVM (its
 * own API client, elector, runner and the same gauges as {@link AlertMetrics} registers) with its Prometheus
 * registry served on a loopback port, as {@code /q/metrics} serves it; the test plays the Quarkus scheduler, firing
 * each slot on all three. Prometheus adds its target label {@code job}, so Baton's job id arrives as
 * {@code exported_job}, as in a default scrape.
 * <p>
 * Two jobs run alike: a success, then two failures; then {@code paused} is suspended on its Lease. When Prometheus
 * starts, both are failing and overdue on every replica's gauges; {@code failing} must raise both alerts and
 * {@code paused}, suspended, none (the same rules, the same evaluations: when the first fires, so would the second).
 * The rules' {@code for} is cut to 2 s, the test's only change to them. About 20 s.
 */
@ExtendWith(Prometheus.Installed.class)
class PrometheusAlertsIT {

    private static final String NS = "alerts";
    private static final String LEASE = "alert-jobs";
    private static final Path DIR = Path.of("target/prometheus-it");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void aFailingJobFiresAndASuspendedOneRaisesNothing() throws Exception {
        KubernetesServer server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
        closing.add(server::after);
        KubernetesClient admin = server.getClient();
        JobSpec failing = every("failing");
        JobSpec paused = every("paused");

        List<ScrapedReplica> replicas = new ArrayList<>();
        for (String name : List.of("baton-0", "baton-1", "baton-2")) {
            ScrapedReplica r = new ScrapedReplica(name, admin, List.of(failing, paused));
            closing.add(r);
            replicas.add(r);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> replicas.stream().filter(r -> r.replica.electors.get(LEASE)
                .isLeader()).count() == 1);
        awaitRenewals(admin, 2);

        // A success, then two failures, of each job (the slots in the past, one second apart, as 'every 1s' makes them).
        Instant slot = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(10);
        fireAll(replicas, failing, slot, () -> null);
        fireAll(replicas, paused, slot, () -> null);
        for (int i = 1; i <= 2; i++) {
            Instant failed = slot.plusSeconds(i);
            fireAll(replicas, failing, failed, PrometheusAlertsIT::fail);
            fireAll(replicas, paused, failed, PrometheusAlertsIT::fail);
        }
        await().atMost(Duration.ofSeconds(30)).alias("two failures after a success, on every replica: "
                + "see the gauges below").conditionEvaluationListener(c -> {
                    if (c.getRemainingTimeInMS() <= 500) {
                        replicas.forEach(r -> System.err.println(r.replica.name + ": " + r.meters.scrape()));
                        System.err.println(admin.leases().inNamespace(NS).withName(LEASE).get());
                    }
                }).until(() -> replicas.stream().allMatch(r -> r.gauge("baton.job.failures.in.a.row", "failing") == 2
                        && r.gauge("baton.job.failures.in.a.row", "paused") == 2
                        && !Double.isNaN(r.gauge("baton.job.last.success.timestamp", "paused"))));
        annotate(admin, paused.suspendKey(), "true");
        await().atMost(Duration.ofSeconds(30)).until(() -> replicas.stream().allMatch(r ->
                r.gauge("baton.job.suspended", "paused") == 1 && r.gauge("baton.job.suspended", "failing") == 0));

        int port = startPrometheus(replicas);

        List<JsonNode> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            List<JsonNode> alerts = alerts(port);
            seen.addAll(alerts);
            return firing(alerts, "BatonJobFailing", "failing") && firing(alerts, "BatonJobOverdue", "failing");
        });
        List<JsonNode> aboutPaused = seen.stream().filter(a -> "paused".equals(a.path("labels").path("job").asText()))
                .toList();
        assertEquals(List.of(), aboutPaused, "a suspended job raises no alert, not even a pending one");
        JsonNode failingAlert = seen.stream().filter(a -> "BatonJobFailing".equals(a.path("labels").path("alertname")
                .asText())).reduce((a, b) -> b).orElseThrow();
        assertEquals(LEASE, failingAlert.path("labels").path("lease").asText());
        assertTrue(failingAlert.path("annotations").path("description").asText()
                .contains("kubectl -n " + NS + " describe lease " + LEASE), failingAlert.toString());
    }

    private static JobSpec every(String id) {
        return new JobSpec(id, LEASE, CatchUp.SKIP, Optional.empty(), "every 1s", Optional.empty(),
                Optional.of(Duration.ofSeconds(1)), JobOptions.DEFAULTS);
    }

    private static Object fail() {
        throw new IllegalStateException("the ledger is unreachable");
    }

    /** Every replica's scheduler fires {@code slot}; the leader runs it. */
    private static void fireAll(List<ScrapedReplica> replicas, JobSpec spec, Instant slot, LeadingReplica.Body body) {
        for (ScrapedReplica r : replicas) {
            try {
                r.replica.fire(spec, slot, body);
            } catch (Exception e) {
                assertTrue(e instanceof IllegalStateException, e.toString()); // the leader's run of a failing body
            }
        }
    }

    private static boolean firing(List<JsonNode> alerts, String name, String job) {
        return alerts.stream().anyMatch(a -> name.equals(a.path("labels").path("alertname").asText())
                && job.equals(a.path("labels").path("job").asText()) && "firing".equals(a.path("state").asText()));
    }

    private List<JsonNode> alerts(int port) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/alerts")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        List<JsonNode> alerts = new ArrayList<>();
        JSON.readTree(response.body()).path("data").path("alerts").forEach(alerts::add);
        return alerts;
    }

    /** Prometheus with the shipped rules, 'for' cut to 2 s, scraping the replicas every second. */
    private int startPrometheus(List<ScrapedReplica> replicas) throws Exception {
        Files.createDirectories(DIR);
        Path rules = DIR.resolve("baton-alerts.rules.yml");
        AlertRulesTest.writeRules(AlertRulesTest.MANIFEST, rules);
        Files.writeString(rules, Files.readString(rules).replaceAll("(?m)^(\\s*for: ).*$", "$12s"));
        StringBuilder targets = new StringBuilder();
        for (ScrapedReplica r : replicas) {
            targets.append(targets.length() == 0 ? "" : ", ").append("'127.0.0.1:").append(r.port()).append("'");
        }
        Path config = DIR.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:", "  scrape_interval: 1s", "  evaluation_interval: 1s",
                "rule_files: ['" + rules.toAbsolutePath() + "']",
                "scrape_configs:", "  - job_name: baton", "    static_configs:", "      - targets: [" + targets + "]",
                // As Kubernetes service discovery labels a pod's series, so the kubectl lines name the namespace.
                "        labels: {namespace: " + NS + "}", ""));
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path data = DIR.resolve("data-" + port);
        Process prometheus = new ProcessBuilder(Prometheus.require("prometheus").toString(),
                "--config.file=" + config.toAbsolutePath(), "--storage.tsdb.path=" + data.toAbsolutePath(),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(DIR.resolve("prometheus.log").toFile()).start();
        closing.add(() -> {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/-/ready")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode() == 200);
        return port;
    }

    /**
     * Waits until the holder has renewed the Lease {@code count} times: a cold JVM's first writes can be slow enough on
     * a busy machine to cost the first term, which would drop the records that ride on its renewals.
     */
    private static void awaitRenewals(KubernetesClient admin, int count) {
        for (int i = 0; i < count; i++) {
            Lease before = admin.leases().inNamespace(NS).withName(LEASE).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Lease now = admin.leases().inNamespace(NS).withName(LEASE).get();
                return !now.getSpec().getRenewTime().equals(before.getSpec().getRenewTime())
                        && now.getSpec().getHolderIdentity().equals(before.getSpec().getHolderIdentity());
            });
        }
    }

    /** Annotates the Lease as an operator's kubectl annotate would, retrying on conflicts. */
    private static void annotate(KubernetesClient admin, String key, String value) {
        for (int i = 0; i < 20; i++) {
            Lease l = admin.leases().inNamespace(NS).withName(LEASE).get();
            Map<String, String> a = new HashMap<>(l.getMetadata().getAnnotations());
            a.put(key, value);
            l.getMetadata().setAnnotations(a);
            try {
                admin.leases().inNamespace(NS).resource(l).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        throw new AssertionError("could not annotate " + LEASE);
    }

    /** One replica: its API client, election, runner and gauges, and its registry on a loopback port. */
    private static final class ScrapedReplica implements AutoCloseable {

        final KubernetesClient client;
        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final LeadingReplica replica;
        final HttpServer http;

        ScrapedReplica(String name, KubernetesClient admin, List<JobSpec> jobs) throws IOException {
            client = new KubernetesClientBuilder().withConfig(admin.getConfiguration()).build();
            // Timings that keep a term on a busy machine: a lost term would drop the records riding on its renewals.
            replica = new LeadingReplica(name, new KubernetesLeaseStore(client, NS, "baton-test"), meters,
                    Duration.ofSeconds(10), Duration.ofSeconds(7), Duration.ofSeconds(1));
            JobGauges gauges = new JobGauges(meters, replica.runner, java.time.Clock.systemUTC());
            for (JobSpec spec : jobs) {
                replica.register(spec, null);
                gauges.register(spec);
            }
            new LeaseGauges(meters, replica.electors::get, System::nanoTime).register(LEASE);
            replica.elect(LEASE);
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/metrics", exchange -> {
                byte[] body = meters.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            http.start();
        }

        int port() {
            return http.getAddress().getPort();
        }

        /** A gauge by its Micrometer name; NaN when absent. */
        double gauge(String name, String job) {
            var g = meters.find(name).tag("job", job).gauge();
            return g == null ? Double.NaN : g.value();
        }

        @Override
        public void close() {
            http.stop(0);
            replica.close();
            client.close();
        }
    }
}
