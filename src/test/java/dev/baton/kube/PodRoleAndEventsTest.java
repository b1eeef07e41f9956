package dev.baton.kube;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import dev.baton.election.LeaderElector;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.baton.observability.PodRoleLabeler;
import dev.baton.store.LeaseStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The seed's views against the test API server: the replica labels its own pod with its role, records
 * "&lt;pod&gt; became leader" on the Lease, and its readiness follows (ready-only-when-leader here).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = PodRoleAndEventsTest.Seed.class)
@TestProfile(PodRoleAndEventsTest.AsPod.class)
class PodRoleAndEventsTest {

    static final String POD = "worker-7d8f9b6c4d-abc12";
    static final String OTHER = "worker-7d8f9b6c4d-def34";
    static final String LEASE = "worker-election";
    static final String ELECTION = "checks.find { it.name == 'baton-election' }.";

    public static class AsPod implements QuarkusTestProfile {
        /** The labeller exists only in the pod-role-label build; the test profile last, so its keys win. */
        @Override
        public String getConfigProfile() {
            return PodRoleLabeler.BUILD_PROFILE + ",test";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.store", "kubernetes", "baton.identity", POD, "baton.lease-name", LEASE,
                    "pod.name", POD, "pod.namespace", "test", "baton.health.ready-only-when-leader", "true");
        }
    }

    /** This replica's pod exists; another replica holds the Lease (a long one, so it never expires here). */
    public static class Seed implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            KubernetesClient client = server.getClient();
            client.pods().inNamespace("test").resource(new PodBuilder().withNewMetadata().withName(POD)
                    .withNamespace("test").addToLabels("app", "worker").endMetadata().build()).create();
            ZonedDateTime renewed = ZonedDateTime.of(2024, 1, 15, 10, 31, 45, 0, ZoneOffset.UTC);
            client.leases().inNamespace("test").resource(new LeaseBuilder().withNewMetadata().withName(LEASE)
                    .withNamespace("test").addToAnnotations(LeaderElector.INSTANCE_ANNOTATION, "other-instance")
                    .addToLabels(LeaseStore.BATON_LABEL, LeaseStore.BATON_LABEL_VALUE) // as a Baton replica writes it
                    .endMetadata().withNewSpec().withHolderIdentity(OTHER).withLeaseDurationSeconds(3600)
                    .withAcquireTime(renewed.minusMinutes(1)).withRenewTime(renewed).withLeaseTransitions(3)
                    .endSpec().build()).create();
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Test
    void theRoleLabelEventsAndReadinessFollowTheLease() {
        KubernetesClient client = server.getClient();
        await().atMost(Duration.ofSeconds(20)).until(() -> "standby".equals(roleLabel(client)));
        given().get("/q/health/ready").then().statusCode(503)
                .body(ELECTION + "data.role", is("standby"))
                .body(ELECTION + "data.holder", is(OTHER))
                .body(ELECTION + "data.epoch", equalTo(3))
                .body(ELECTION + "data.lastRenewal", is("2024-01-15T10:31:45Z"))
                .body(ELECTION + "data.lease", is("test/" + LEASE))
                .body(ELECTION + "data.updates", is("watch"));

        // The other replica steps down as Baton does: holder cleared, its instance id as the releaser.
        Lease held = client.leases().inNamespace("test").withName(LEASE).get();
        client.leases().inNamespace("test").resource(new LeaseBuilder(held).editMetadata()
                .withAnnotations(Map.of(LeaderElector.RELEASED_BY_ANNOTATION, "other-instance")).endMetadata()
                .editSpec().withHolderIdentity(null).endSpec().build()).update();

        await().atMost(Duration.ofSeconds(20)).until(() -> "leader".equals(roleLabel(client)));
        assertEquals("worker", client.pods().inNamespace("test").withName(POD).get().getMetadata().getLabels()
                .get("app"), "the merge patch keeps the pod's other labels");
        given().get("/q/health/ready").then().statusCode(200)
                .body(ELECTION + "data.role", is("leader"))
                .body(ELECTION + "data.holder", is(POD))
                .body(ELECTION + "data.epoch", equalTo(4));

        await().atMost(Duration.ofSeconds(20)).until(() -> !leaderEvents(client).isEmpty());
        Event event = leaderEvents(client).get(0);
        assertEquals(POD + " became leader (epoch 4)", event.getMessage());
        assertEquals("Normal", event.getType());
        assertEquals("Lease", event.getInvolvedObject().getKind());
        assertEquals(LEASE, event.getInvolvedObject().getName());
        assertTrue(event.getInvolvedObject().getApiVersion().startsWith("coordination.k8s.io"));

        given().get("/q/metrics").then()
                .body(containsString("baton_leader{lease=\"" + LEASE + "\"} 1.0"))
                .body(containsString("baton_leadership_transitions_total{lease=\"" + LEASE + "\"} 1.0"));
    }

    private static String roleLabel(KubernetesClient client) {
        Map<String, String> labels = client.pods().inNamespace("test").withName(POD).get().getMetadata().getLabels();
        return labels == null ? null : labels.get("role");
    }

    private static List<Event> leaderEvents(KubernetesClient client) {
        return client.v1().events().inNamespace("test").list().getItems().stream()
                .filter(e -> "LeaderElection".equals(e.getReason()) && e.getMessage().contains("became leader"))
                .toList();
    }
}
