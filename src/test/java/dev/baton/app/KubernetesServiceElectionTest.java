package dev.baton.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.LeaseRef;
import dev.baton.Leadership;
import dev.baton.election.LeaderElector;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The service on the Kubernetes store, against the test API server: the Lease looks as the seed shows it. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(KubernetesServiceElectionTest.OnKubernetes.class)
class KubernetesServiceElectionTest {

    public static class OnKubernetes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.store", "kubernetes", "baton.identity", "worker-7d8f9b6c4d-abc12",
                    "baton.lease-name", "worker-election", "baton.api-request-timeout", "1234ms");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    io.fabric8.kubernetes.client.KubernetesClient client;

    @Test
    void theApiRequestTimeoutIsSetAtRunTime() {
        // quarkus.kubernetes-client.request-timeout is fixed at build time (5s here); Baton's key is not.
        assertEquals(1234, client.getConfiguration().getRequestTimeout());
    }

    @Inject
    Leadership leadership;

    @Test
    void theLeaseCarriesTheSeedsFieldsAndThePodNameAsHolder() {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        Lease lease = server.getClient().leases().inNamespace("test").withName("worker-election").get();
        assertNotNull(lease, "the Lease is created in the client's namespace");
        assertEquals("worker-7d8f9b6c4d-abc12", lease.getSpec().getHolderIdentity());
        assertEquals(15, lease.getSpec().getLeaseDurationSeconds());
        assertEquals(0, lease.getSpec().getLeaseTransitions());
        assertNotNull(lease.getSpec().getAcquireTime());
        assertNotNull(lease.getSpec().getRenewTime());
        assertTrue(lease.getMetadata().getAnnotations().containsKey(LeaderElector.INSTANCE_ANNOTATION));
        assertEquals(new LeaseRef("test", "worker-election"), leadership.lease());
    }
}
