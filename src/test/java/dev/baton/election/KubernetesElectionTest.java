package dev.baton.election;

import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.baton.store.KubernetesLeaseStore;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseStore;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * The election contract against the Kubernetes test API server in CRUD mode, over HTTP on 127.0.0.1. Each
 * candidate gets its own client, as separate processes would; foreign edits go through yet another client.
 */
class KubernetesElectionTest extends ElectionContractTest {

    static final String NAMESPACE = "election";
    static KubernetesServer server;
    static KubernetesClient admin;

    @BeforeAll
    static void startServer() throws Exception {
        server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
        admin = server.getClient();
    }

    @AfterAll
    static void stopServer() {
        server.after();
    }

    @Override
    LeaseStore candidateStore() {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(admin.getConfiguration()).build();
        return new KubernetesLeaseStore(client, NAMESPACE, "baton-test");
    }

    @Override
    void foreignWrite(String lease, LeaseRecord record) {
        Lease existing = admin.leases().inNamespace(NAMESPACE).withName(lease).get();
        Lease written = new LeaseBuilder()
                .withNewMetadata().withName(lease).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec()
                .withHolderIdentity(record.holderIdentity())
                .withLeaseDurationSeconds(record.leaseDurationSeconds())
                .withAcquireTime(zoned(record.acquireTime()))
                .withRenewTime(zoned(record.renewTime()))
                .withLeaseTransitions(record.leaseTransitions())
                .endSpec()
                .build();
        if (existing == null) {
            admin.leases().inNamespace(NAMESPACE).resource(written).create();
        } else {
            // An unconditional replace, as kubectl replace --force or a careless controller would do. fabric8
            // fills in the latest resourceVersion itself, so a renewal landing in between is a 409: try again, as
            // such a writer would.
            for (int attempt = 1;; attempt++) {
                written.getMetadata().setResourceVersion(null);
                try {
                    admin.leases().inNamespace(NAMESPACE).resource(written).unlock().update();
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt == 20) {
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    void deleteLease(String lease) {
        admin.leases().inNamespace(NAMESPACE).withName(lease).delete();
    }

    @Override
    Optional<LeaseRecord> read(String lease) {
        return new KubernetesLeaseStore(admin, NAMESPACE, "baton-test").get(lease).map(s -> s.record());
    }

    private static ZonedDateTime zoned(Instant t) {
        return t == null ? null : t.atZone(ZoneOffset.UTC);
    }
}
