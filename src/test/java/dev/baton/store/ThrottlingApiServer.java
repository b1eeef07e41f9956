package dev.baton.store;

import java.net.InetAddress;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The Kubernetes test API server (CRUD mode, plain HTTP on 127.0.0.1) that answers the next {@link #throttle} Lease
 * writes (PUT) with what a real API server sends when API Priority and Fairness sheds load: 429, a
 * {@code Retry-After} header and a {@code TooManyRequests} Status whose details carry {@code retryAfterSeconds}.
 * It notes when each Lease PUT arrived, for which Lease, how large, and how it was answered.
 */
public final class ThrottlingApiServer implements AutoCloseable {

    /**
     * One Lease PUT as it arrived ({@link System#nanoTime()}), and whether it got a 429.
     *
     * @param lease the Lease's name; {@code bytes} the body's size
     */
    public record Put(long atNanos, boolean throttled, String lease, int bytes) {
    }

    private final KubernetesMockServer server;
    private final AtomicInteger toThrottle = new AtomicInteger();
    private final List<Put> puts = new CopyOnWriteArrayList<>();
    private volatile int retryAfterSeconds = 1;

    public ThrottlingApiServer() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        Dispatcher crud = new KubernetesMixedDispatcher(responses, Collections.emptyList());
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), responses,
                new Throttling(crud), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
    }

    /** The next {@code writes} Lease PUTs get a 429 asking to wait {@code seconds}. */
    public void throttle(int writes, int seconds) {
        retryAfterSeconds = seconds;
        toThrottle.set(writes);
    }

    public List<Put> puts() {
        return List.copyOf(puts);
    }

    /** A client as a replica's: no retry of its own, so every attempt is the caller's. */
    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(
                server.createClient().getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();
    }

    @Override
    public void close() {
        server.destroy();
    }

    private final class Throttling extends Dispatcher {

        private final Dispatcher delegate;

        Throttling(Dispatcher delegate) {
            this.delegate = delegate;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            boolean leasePut = "PUT".equals(request.getMethod()) && request.getPath().contains("/leases/");
            long at = System.nanoTime();
            String lease = leasePut ? request.getPath().replaceAll(".*/leases/([^/?]+).*", "$1") : null;
            // The size only: reading the body would consume it before the CRUD dispatcher sees it.
            int bytes = leasePut ? (int) request.getBody().size() : 0;
            if (leasePut && toThrottle.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                puts.add(new Put(at, true, lease, bytes));
                return new MockResponse().setResponseCode(429)
                        .setHeader("Retry-After", Integer.toString(retryAfterSeconds))
                        .setHeader("Content-Type", "application/json")
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                                + "\"message\":\"Too many requests, please try again later.\",\"reason\":"
                                + "\"TooManyRequests\",\"details\":{\"retryAfterSeconds\":" + retryAfterSeconds
                                + "},\"code\":429}");
            }
            if (leasePut) {
                puts.add(new Put(at, false, lease, bytes));
            }
            return delegate.dispatch(request);
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }
    }
}
