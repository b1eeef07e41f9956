package dev.baton.sidecar;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * The packaged application started as the seed's sidecar container is: {@code java -jar quarkus-run.jar
 * --election=worker-election --http=HOST:PORT}, with POD_NAME and POD_NAMESPACE from the (here, simulated)
 * downward API, against the test API server. It serves leader-elector's answer, writes the leader file, sends no
 * request about pods, contests no job Lease, and on SIGTERM releases the Lease. The jar of the pod-role-label build
 * (which the pom builds too, into target/pod-role-label/) labels its pod.
 */
class SidecarJarIT {

    static final String POD = "worker-7d8f9b6c4d-abc12";
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    static final Path POD_ROLE_LABEL_JAR = Path.of("target", "pod-role-label", "quarkus-app", "quarkus-run.jar");
    static final Path DIR = Path.of("target", "sidecar-jar-it");

    KubernetesServer server;
    Process sidecar;

    @BeforeEach
    void startApiServer() {
        server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (sidecar != null && sidecar.isAlive()) {
            sidecar.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        server.after();
    }

    @Test
    void theJarWithTheSeedsArgumentsIsTheLeaderElectorSidecar() throws Exception {
        Path leaderFile = DIR.resolve("leader");
        String base = start(JAR, leaderFile, DIR.resolve("sidecar.log"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(leaderFile)
                && POD.equals(Files.readString(leaderFile)));
        Lease lease = server.getClient().leases().inNamespace("test").withName("worker-election").get();
        assertEquals(POD, lease.getSpec().getHolderIdentity());
        given().baseUri(base).get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'baton-election' }.data.role", is("leader"));
        // The sidecar runs no job: the application's per-job Leases are never contested.
        assertEquals(List.of("worker-election"), server.getClient().leases().inNamespace("test").list().getItems()
                .stream().map(l -> l.getMetadata().getName()).toList());

        sidecar.destroy(); // SIGTERM, as the kubelet sends
        assertTrue(sidecar.waitFor(40, TimeUnit.SECONDS), "stops within the pod's grace period");
        Lease released = server.getClient().leases().inNamespace("test").withName("worker-election").get();
        assertNull(released.getSpec().getHolderIdentity(), "the Lease is released on graceful shutdown");
        // The whole run, from start to release, as the API server saw it: not one request about a pod.
        List<String> requests = requests();
        assertTrue(requests.contains("POST /api/v1/namespaces/test/events"), requests.toString());
        assertEquals(List.of(), requests.stream().filter(r -> r.contains("/pods")).toList(), "requests about pods");
    }

    @Test
    void theJarOfThePodRoleLabelBuildLabelsItsPod() throws Exception {
        server.getClient().pods().inNamespace("test").resource(new PodBuilder().withNewMetadata().withName(POD)
                .withNamespace("test").endMetadata().build()).create();
        String base = start(POD_ROLE_LABEL_JAR, DIR.resolve("pod-role-label-leader"),
                DIR.resolve("pod-role-label-sidecar.log"));
        given().baseUri(base).get("/").then().statusCode(200).body("name", is(POD));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "leader".equals(server.getClient().pods()
                .inNamespace("test").withName(POD).get().getMetadata().getLabels().get("role")));
    }

    /** Starts {@code jar} as the sidecar and waits until it answers that it leads; returns its base URL. */
    private String start(Path jar, Path leaderFile, Path log) throws Exception {
        assertTrue(Files.exists(jar), jar + " is built by ./mvnw package");
        Files.createDirectories(DIR);
        Files.deleteIfExists(leaderFile);
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // fabric8's own properties: Quarkus reports its api-server-url as fixed at build time.
                "-Dkubernetes.master=" + server.getClient().getMasterUrl(),
                "-Dkubernetes.auth.tryKubeConfig=false", "-Dkubernetes.auth.tryServiceAccount=false",
                "-jar", jar.toString(),
                "--election=worker-election", "--http=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("POD_NAME", POD);
        pb.environment().put("POD_NAMESPACE", "test");
        pb.environment().put("BATON_SIDECAR_LEADER_FILE", leaderFile.toAbsolutePath().toString());
        sidecar = pb.start();

        String base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> given().baseUri(base).get("/").then()
                .statusCode(200).body("name", is(POD)));
        return base;
    }

    /** Every request the test API server received so far, as "METHOD path". */
    private List<String> requests() throws InterruptedException {
        List<String> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.getKubernetesMockServer().takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            requests.add(request.getMethod() + " " + request.getPath());
        }
        return requests;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
