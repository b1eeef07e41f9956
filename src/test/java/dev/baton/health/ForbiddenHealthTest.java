package dev.baton.health;

import static dev.baton.health.LeaderHealthTest.ELECTION;
import static dev.baton.health.LeaderHealthTest.ELECTOR;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The seed's Role without {@code get} (or any 403 on the Lease): the replica stays a ready standby, and the log,
 * health and metrics name the missing verb and resource. The client's token appears nowhere.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = false, setup = ForbiddenHealthTest.Forbid.class)
@TestProfile(ForbiddenHealthTest.OnKubernetes.class)
class ForbiddenHealthTest {

    static final String TOKEN = "s3cr3t-token-never-shown";
    static final Path LOG = Path.of("target", "forbidden-health-test.log");

    public static class OnKubernetes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.store", "kubernetes", "quarkus.kubernetes-client.token", TOKEN,
                    "quarkus.log.file.enabled", "true", "quarkus.log.file.path", LOG.toString());
        }
    }

    /** The API server answers every read of the Lease as RBAC would without the 'get' verb. */
    public static class Forbid implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            server.expect().get().withPath("/apis/coordination.k8s.io/v1/namespaces/test/leases/baton-leader")
                    .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                            .withMessage("leases.coordination.k8s.io \"baton-leader\" is forbidden: User "
                                    + "\"system:serviceaccount:test:baton\" cannot get resource \"leases\"")
                            .build())
                    .always();
        }
    }

    @Test
    void healthAndLogNameTheMissingVerbAndResource() throws Exception {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready").then()
                .body(ELECTION + "data.error", allOf(containsString("FORBIDDEN"), containsString("'get'"),
                        containsString("resource 'leases'"), containsString("baton-leader"))));
        // A standby without RBAC is still ready (it serves), and alive (a restart would not grant the verb).
        given().get("/q/health/ready").then().statusCode(200)
                .body(ELECTION + "data.role", is("standby"))
                .body(ELECTION + "data.store", containsString("Kubernetes API"))
                .body(not(containsString(TOKEN)));
        given().get("/q/health/live").then().statusCode(200).body(ELECTOR + "status", is("UP"));
        given().get("/q/metrics").then()
                .body(containsString("baton_api_errors_total{kind=\"forbidden\"}"))
                .body(containsString("baton_leader{lease=\"baton-leader\"} 0.0"))
                .body(not(containsString(TOKEN)));

        String log = Files.readString(LOG);
        assertTrue(log.contains("may not 'get' leases.coordination.k8s.io 'baton-leader' in namespace 'test'"), log);
        assertTrue(log.contains("grant verb 'get' on resource 'leases'"), log);
        assertFalse(log.contains(TOKEN), "the token was logged");
    }
}
