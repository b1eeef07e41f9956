package dev.baton.bench;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.baton.clock.DateStampingApiServer;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * The Kubernetes test API server the unit tests use (fabric8's {@code KubernetesMockServer} with its CRUD
 * dispatcher, plain HTTP), run standalone on 127.0.0.1 so that several processes can share one. Its answers carry a
 * {@code Date} header from this machine's clock, as a real API server's do ({@link DateStampingApiServer}): without
 * it no Baton replica could measure its clock's offset, and one whose clock the {@code SKEW} scenario moves would
 * not know it.
 * <p>
 * {@code main} runs it on its own: {@code java -cp <test classpath> dev.baton.bench.MockApiServer [port]}.
 */
public final class MockApiServer implements AutoCloseable {

    // Held so that the level set on it is not lost when JUL lets an unreferenced logger go.
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;

    private MockApiServer(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    /** Starts a server on 127.0.0.1; port 0 picks a free one. */
    public static MockApiServer start(int port) {
        // It logs every request at INFO: thousands of lines per minute with several electors.
        MOCK_LOG.setLevel(Level.WARNING);
        return new MockApiServer(DateStampingApiServer.start(Clock.systemUTC(), port));
    }

    public int port() {
        return server.getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** A client that talks to the server directly (not through any replica's proxy). */
    public NamespacedKubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    public static void main(String[] args) throws InterruptedException {
        MockApiServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println("Kubernetes test API server at " + server.url() + " (Ctrl-C stops it)");
        stopped.await();
    }
}
