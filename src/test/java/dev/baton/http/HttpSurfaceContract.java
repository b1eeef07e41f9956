package dev.baton.http;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.junit.jupiter.api.Test;

import io.quarkus.arc.Arc;
import io.restassured.response.Response;

/**
 * The HTTP surface answers every legal state of the application without a server error: each subclass starts the
 * application in one state (no jobs, jobs, election disabled, scheduler disabled, sidecar mode, API unreachable, the
 * dev build) and this asks every endpoint. The endpoints are not listed by hand: every {@code GET} and {@code POST}
 * method of every JAX-RS resource bean of the build under test, a path parameter given an id no job has and then
 * each id {@code /jobs} lists, and the health and metrics endpoints Quarkus serves. An endpoint added later is asked
 * too. A {@code POST} (only the dev build has any) is sent an empty JSON object.
 * <p>
 * A 5xx is allowed on one kind of endpoint only: health, whose 503 is its answer "DOWN" (the body says so), not an
 * error.
 */
abstract class HttpSurfaceContract {

    /** An id no job has, for every path parameter. */
    static final String UNKNOWN = "no-such-job";

    static final List<String> QUARKUS_ENDPOINTS = List.of("/q/health", "/q/health/live", "/q/health/ready",
            "/q/health/started", "/q/metrics");

    @Test
    void noEndpointAnswersAServerError() {
        List<Endpoint> endpoints = resourceEndpoints();
        assertTrue(endpoints.contains(new Endpoint("GET", "/jobs"))
                && endpoints.contains(new Endpoint("GET", "/baton/state")),
                "the resources were not found, so nothing would be asked: " + endpoints);
        List<String> ids = given().get("/jobs").then().extract().jsonPath().getList("id", String.class);
        List<Endpoint> asked = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            asked.add(endpoint.with(UNKNOWN));
            if (endpoint.path().contains(UNKNOWN)) {
                ids.forEach(id -> asked.add(endpoint.with(URLEncoder.encode(id, StandardCharsets.UTF_8)
                        .replace("+", "%20"))));
            }
        }
        QUARKUS_ENDPOINTS.forEach(path -> asked.add(new Endpoint("GET", path)));
        List<String> errors = new ArrayList<>();
        for (Endpoint endpoint : asked) {
            Response response = endpoint.method().equals("GET") ? given().urlEncodingEnabled(false).get(endpoint.path())
                    : given().urlEncodingEnabled(false).contentType("application/json").body("{}")
                            .post(endpoint.path());
            int status = response.statusCode();
            boolean healthDown = status == 503 && endpoint.path().startsWith("/q/health")
                    && "DOWN".equals(response.jsonPath().getString("status"));
            if (status >= 500 && !healthDown) {
                errors.add(endpoint + " -> " + status + ": " + firstLine(response.asString()));
            }
        }
        assertEquals(List.of(), errors, "asked " + asked);
    }

    @Test
    void anUnknownJobIsNotFound() {
        given().get("/jobs/" + UNKNOWN).then().statusCode(404);
    }

    /** One method and path; {@link #UNKNOWN} stands for each path parameter. */
    record Endpoint(String method, String path) {

        Endpoint with(String id) {
            return new Endpoint(method, path.replace(UNKNOWN, id));
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Every {@code GET} and {@code POST} of every resource bean, with {@link #UNKNOWN} for each parameter. */
    static List<Endpoint> resourceEndpoints() {
        TreeSet<String> found = new TreeSet<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            Path root = type.getAnnotation(Path.class);
            if (root == null) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                String verb = method.isAnnotationPresent(GET.class) ? "GET"
                        : method.isAnnotationPresent(POST.class) ? "POST" : null;
                if (verb != null) {
                    Path sub = method.getAnnotation(Path.class);
                    found.add(verb + " " + join(root.value(), sub == null ? "" : sub.value()));
                }
            }
        }
        return found.stream().map(e -> new Endpoint(e.substring(0, e.indexOf(' ')), e.substring(e.indexOf(' ') + 1)))
                .toList();
    }

    private static String join(String root, String sub) {
        String path = ("/" + root + "/" + sub).replaceAll("/+", "/");
        path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return path.replaceAll("\\{[^}]*}", UNKNOWN);
    }

    private static String firstLine(String body) {
        String line = body.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) : line;
    }
}
