package dev.baton.kube;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import dev.baton.observability.PodRoleLabeler;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The default build on the test API server, configured as in a pod (POD_NAME, POD_NAMESPACE): it leads, renews and
 * records its Event, and sends not one request about pods, which its Role would refuse. Every request the server
 * received is in its log; the labeller of the pod-role-label build would have read and patched the pod.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(NoPodAccessTest.AsPod.class)
class NoPodAccessTest {

    static final String POD = "baton-7d8f9b6c4d-abc12";

    public static class AsPod implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.store", "kubernetes", "baton.identity", POD, "pod.name", POD, "pod.namespace", "test");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    Leadership leadership;

    @Test
    void theDefaultBuildNeverReadsNorWritesAPod() throws Exception {
        assertFalse(Arc.container().instance(PodRoleLabeler.class).isAvailable(), "no pod labeller in this build");

        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        // The Event is posted after the term began, as the labeller would have labelled the pod "leader" by then.
        await().atMost(Duration.ofSeconds(20)).until(() -> !server.getClient().v1().events().inNamespace("test").list()
                .getItems().isEmpty());

        List<String> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.getKubernetesMockServer().takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            requests.add(request.getMethod() + " " + request.getPath());
        }
        // What the replica did send: it took the Lease and posted its Event.
        assertTrue(requests.contains("POST /apis/coordination.k8s.io/v1/namespaces/test/leases"), requests.toString());
        assertTrue(requests.contains("POST /api/v1/namespaces/test/events"), requests.toString());
        assertEquals(List.of(), requests.stream().filter(r -> r.contains("/pods")).toList(), "requests about pods");
    }
}
