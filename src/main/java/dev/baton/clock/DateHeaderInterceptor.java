package dev.baton.clock;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * Feeds every answer of the Kubernetes API to the estimator, without touching the calls that make them: fabric8's
 * {@link Interceptor} sees each HTTP exchange of the client it is added to.
 * <p>
 * The send time is taken in {@link #consumer}, not {@link #before}: fabric8 calls {@code before} on a copy of the
 * request and builds the request that goes out (with a new id) afterwards; {@code consumer} is called last, with
 * exactly the request that is then sent and later passed to {@link #after}, so the two meet on its id. WebSocket
 * upgrades (watches, where the client uses them) pass no {@code consumer} call and are not measured; a plain GET
 * or PUT every retry period is plenty.
 */
final class DateHeaderInterceptor implements Interceptor {

    /** Requests whose answer never came (a timeout may skip {@link #afterConnectionFailure}) are forgotten. */
    private static final int MAX_IN_FLIGHT = 256;
    private static final long FORGET_AFTER_NANOS = 5L * 60 * 1_000_000_000L;

    private final ClockOffsetEstimator estimator;
    private final Ticker ticker;
    private final Map<UUID, ClockOffsetEstimator.Exchange> inFlight = new ConcurrentHashMap<>();

    DateHeaderInterceptor(ClockOffsetEstimator estimator, Ticker ticker) {
        this.estimator = estimator;
        this.ticker = ticker;
    }

    @Override
    public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer,
            HttpRequest request) {
        // Runs on the caller's thread just before the request leaves: it must never fail the call.
        try {
            if (inFlight.size() >= MAX_IN_FLIGHT) {
                long now = ticker.nanos();
                inFlight.values().removeIf(e -> now - e.sentNanos() > FORGET_AFTER_NANOS);
            }
            if (inFlight.size() < MAX_IN_FLIGHT) {
                inFlight.put(request.id(), estimator.sending());
            }
        } catch (RuntimeException e) {
            // Not measured; the request goes on.
        }
        return consumer;
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        ClockOffsetEstimator.Exchange sent = inFlight.remove(request.id());
        if (sent != null) {
            // Any status counts: a 404 or 409 is stamped by the same clock as a 200.
            estimator.answered(sent, response.header("Date"));
        }
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        inFlight.remove(request.id());
    }
}
