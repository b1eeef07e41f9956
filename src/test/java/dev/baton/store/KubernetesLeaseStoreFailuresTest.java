package dev.baton.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * How the store names transport failures of the real client stack (fabric8 over Vert.x), which the test API server
 * cannot produce: an API that accepts connections and never answers (a blackholed or overloaded server) and one
 * that refuses them. The elector's backoff and health read these kinds.
 */
class KubernetesLeaseStoreFailuresTest {

    @Test
    void anApiServerThatNeverAnswersIsATimeout() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered
                    }
                } catch (Exception closed) {
                    // the test ended
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (KubernetesClient client = client(silent.getLocalPort())) {
                LeaseStoreException e = assertThrows(LeaseStoreException.class,
                        () -> new KubernetesLeaseStore(client, "ns", "test").get("l"));
                assertEquals(LeaseStoreException.Kind.TIMEOUT, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains("'l'") && e.getMessage().contains("'ns'"), e.getMessage());
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aRefusedConnectionIsUnreachable() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (KubernetesClient client = client(port)) {
            LeaseStoreException e = assertThrows(LeaseStoreException.class,
                    () -> new KubernetesLeaseStore(client, "ns", "test").get("l"));
            assertEquals(LeaseStoreException.Kind.UNREACHABLE, e.kind(), e.getMessage());
        }
    }

    private static KubernetesClient client(int port) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + port)
                .withRequestTimeout(500)
                .withConnectionTimeout(500)
                .withRequestRetryBackoffLimit(0)
                .withAutoConfigure(false)
                .build()).build();
    }
}
