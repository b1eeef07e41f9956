package dev.baton.store;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.quarkus.test.kubernetes.client.KubernetesServer;

/** The store contract against the Kubernetes test API server (CRUD mode, HTTP on 127.0.0.1). */
class KubernetesLeaseStoreTest extends LeaseStoreContractTest {

    static KubernetesServer server;
    static KubernetesLeaseStore store;

    @BeforeAll
    static void startServer() {
        server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
        store = new KubernetesLeaseStore(server.getClient(), "store", "baton-test");
    }

    @AfterAll
    static void stopServer() {
        server.after();
    }

    @Override
    LeaseStore store() {
        return store;
    }

    @Override
    void remove(String name) {
        server.getClient().leases().inNamespace("store").withName(name).delete();
    }
}
