package dev.baton.kube;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import dev.baton.observability.PodRoleLabeler;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** A pod that cannot be labelled (here: POD_NAME names no pod) costs a warning, once; the replica still leads. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(PodLabelFailureTest.NoSuchPod.class)
class PodLabelFailureTest {

    static final Path LOG = Path.of("target", "pod-label-failure-test.log");

    public static class NoSuchPod implements QuarkusTestProfile {
        /** The labeller exists only in the pod-role-label build; the test profile last, so its keys win. */
        @Override
        public String getConfigProfile() {
            return PodRoleLabeler.BUILD_PROFILE + ",test";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            // Short timings: the label is retried every lease duration (2 s) while it fails.
            return Map.of("baton.store", "kubernetes", "pod.name", "ghost-pod", "pod.namespace", "test",
                    "baton.lease-duration", "2s", "baton.renew-deadline", "1200ms", "baton.retry-period", "300ms",
                    "quarkus.log.file.enabled", "true", "quarkus.log.file.path", LOG.toString());
        }
    }

    @Inject
    Leadership leadership;

    @KubernetesTestServer
    KubernetesServer server;

    @Test
    void labellingFailsQuietlyAndTheElectionGoesOn() throws Exception {
        await().atMost(PATIENCE).until(leadership::isLeader);
        await().atMost(PATIENCE).until(() -> warnings() >= 1);
        // Two more attempts, seen at the API server: they must not log again.
        int attemptsLogged = labelAttempts.addAndGet(drainLabelAttempts());
        await().atMost(PATIENCE).until(() -> labelAttempts.addAndGet(drainLabelAttempts()) >= attemptsLogged + 2);
        assertEquals(1, warnings(), "the failure is logged once");
        assertTrue(Files.readString(LOG).contains("404: no such pod; is POD_NAME the pod's own name?"));
        assertTrue(leadership.isLeader(), "labelling never touches the election");
    }

    final AtomicInteger labelAttempts = new AtomicInteger();

    /**
     * The attempts to label the pod the server received since the last call, one request each (fabric8 reads the pod
     * before patching it, and the read fails); the server's queue of requests is emptied.
     */
    private int drainLabelAttempts() throws InterruptedException {
        int attempts = 0;
        RecordedRequest request;
        while ((request = server.getKubernetesMockServer().takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            if (request.getPath().contains("/pods/ghost-pod")) {
                attempts++;
            }
        }
        return attempts;
    }

    private static long warnings() throws Exception {
        return Files.exists(LOG) ? Files.readAllLines(LOG).stream().filter(l -> l.contains("Cannot label pod test/ghost-pod")).count() : 0;
    }
}
