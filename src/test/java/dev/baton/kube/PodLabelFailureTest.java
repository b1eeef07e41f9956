package dev.baton.kube;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import dev.baton.observability.PodRoleLabeler;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
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

    @Test
    void labellingFailsQuietlyAndTheElectionGoesOn() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        await().atMost(Duration.ofSeconds(20)).until(() -> warnings() >= 1);
        Thread.sleep(5000); // two more retries at least: they must not log again
        assertEquals(1, warnings(), "the failure is logged once");
        assertTrue(Files.readString(LOG).contains("404: no such pod; is POD_NAME the pod's own name?"));
        assertTrue(leadership.isLeader(), "labelling never touches the election");
    }

    private static long warnings() throws Exception {
        return Files.exists(LOG) ? Files.readAllLines(LOG).stream().filter(l -> l.contains("Cannot label pod test/ghost-pod")).count() : 0;
    }
}
