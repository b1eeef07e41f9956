package dev.baton.http.page;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * The packaged application (prod profile, the jar that is deployed) serves the status page read-only: the page and
 * its state answer, and the dev controls' URLs answer 404 and write nothing to the Lease. Against the test API
 * server, as a pod would run it.
 */
class StatusPageJarIT {

    static final String POD = "baton-7d8f9b6c4d-abc12";
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    static final Path LOG = Path.of("target", "status-page-jar-it", "baton.log");

    KubernetesServer server;
    Process baton;

    @BeforeEach
    void startApiServer() {
        server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (baton != null && baton.isAlive()) {
            baton.destroy();
            if (!baton.waitFor(40, TimeUnit.SECONDS)) {
                baton.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        server.after();
    }

    @Test
    void theProdBuildServesThePageReadOnly() throws Exception {
        String base = start();
        given().baseUri(base).get("/baton").then().statusCode(200).body(containsString("<title>Baton status</title>"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().baseUri(base).get("/baton/state").then()
                .statusCode(200)
                .body("devControls", is(false))
                .body("leases.find { it.name == 'baton-leader' }.holder", equalTo(POD)));

        for (String action : List.of("suspend", "resume", "run")) {
            // Not the controls' own 404 for a job they do not know: no such endpoint at all.
            given().baseUri(base).contentType("application/json").body("{}")
                    .post("/baton/dev/jobs/cluster-summary/" + action).then().statusCode(404)
                    .body(not(containsString("singleton job")));
        }
        Lease lease = server.getClient().leases().inNamespace("test").withName("baton-leader").get();
        Map<String, String> annotations = lease.getMetadata().getAnnotations();
        assertTrue(annotations == null || annotations.keySet().stream().noneMatch(ShownControls::isShown),
                "no control written: " + annotations);
        assertFalse(Files.readString(LOG).contains("DevControlsResource"), "the dev controls are not in this build");
    }

    /** Starts the jar in service mode as a pod; returns its base URL once it answers. */
    private String start() throws Exception {
        assertTrue(Files.exists(JAR), JAR + " is built by ./mvnw package");
        Files.createDirectories(LOG.getParent());
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // fabric8's own properties: Quarkus reports its api-server-url as fixed at build time.
                "-Dkubernetes.master=" + server.getClient().getMasterUrl(),
                "-Dkubernetes.auth.tryKubeConfig=false", "-Dkubernetes.auth.tryServiceAccount=false",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(LOG.toFile());
        pb.environment().put("POD_NAME", POD);
        pb.environment().put("POD_NAMESPACE", "test");
        baton = pb.start();
        String base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> given().baseUri(base)
                .get("/q/health/started").then().statusCode(200));
        return base;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
