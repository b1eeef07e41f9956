package dev.baton.clock;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The Kubernetes test API server (fabric8's mock, CRUD mode, plain HTTP on 127.0.0.1) with one thing a real API
 * server has and the mock lacks: a {@code Date} header on every answer. The mock sends none (checked in
 * {@link ClusterClockKubernetesTest}), so without this nothing could be measured against it. The header is stamped
 * when the answer is made, from this machine's clock plus {@value #SERVER_CLOCK_AHEAD} (a whole number of seconds,
 * default 0), formatted as Go's net/http does (IMF-fixdate, truncated to the second). With a lead of 90 s the
 * replica under test sees a cluster whose clock is 90 s ahead of its own: its offset must come out as -90 s.
 * <p>
 * Configures the application's client the way Quarkus's {@code @WithKubernetesTestServer} does (fabric8's system
 * properties, read when the client is built), and clears them on stop.
 */
public class DateStampingApiServer implements QuarkusTestResourceLifecycleManager {

    public static final String SERVER_CLOCK_AHEAD = "server-clock-ahead-seconds";

    private Duration ahead = Duration.ZERO;
    private KubernetesMockServer server;
    private final Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public void init(Map<String, String> args) {
        ahead = Duration.ofSeconds(Long.parseLong(args.getOrDefault(SERVER_CLOCK_AHEAD, "0")));
    }

    @Override
    public Map<String, String> start() {
        server = start(ahead);
        properties.put("kubernetes.master", server.url("/"));
        properties.put("kubernetes.trust.certificates", "true");
        properties.put("kubernetes.auth.tryKubeConfig", "false");
        properties.put("kubernetes.auth.tryServiceAccount", "false");
        properties.put("kubernetes.namespace", "test");
        properties.put("http2.disable", "true");
        properties.forEach(System::setProperty);
        return Map.copyOf(properties);
    }

    @Override
    public void stop() {
        properties.keySet().forEach(System::clearProperty);
        if (server != null) {
            server.destroy();
        }
    }

    /** A started CRUD test server whose answers carry a {@code Date} header {@code ahead} of this machine's clock. */
    public static KubernetesMockServer start(Duration ahead) {
        return start(Clock.offset(Clock.systemUTC(), ahead));
    }

    /**
     * A started CRUD test server whose answers carry a {@code Date} header read from {@code cluster}: a test that sets
     * the cluster's time itself gives each replica a wall clock of its own, offset from that one.
     */
    public static KubernetesMockServer start(Clock cluster) {
        return start(cluster, 0);
    }

    /** As {@link #start(Clock)}, on {@code port} (0: a free one). */
    public static KubernetesMockServer start(Clock cluster, int port) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        Dispatcher crud = new KubernetesMixedDispatcher(responses, Collections.emptyList());
        KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new MockWebServer(), responses, new Stamping(crud, cluster), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        return server;
    }

    private static final class Stamping extends Dispatcher {

        private final Dispatcher delegate;
        private final Clock cluster;

        Stamping(Dispatcher delegate, Clock cluster) {
            this.delegate = delegate;
            this.cluster = cluster;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            MockResponse response = delegate.dispatch(request);
            // Stamped once the answer is made, between the request's arrival and the answer's departure.
            return response.setHeader("Date", SimulatedClocks.IMF_FIXDATE.format(cluster.instant()));
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }
    }
}
