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
import jakarta.ws.rs.Path;

import org.junit.jupiter.api.Test;

import io.quarkus.arc.Arc;
import io.restassured.response.Response;

/**
 * The HTTP surface answers every legal state of the application without a server error: each subclass starts the
 * application in one state (no jobs, jobs, election disabled, sidecar mode, API unreachable) and this asks every
 * endpoint. The endpoints are not listed by hand: every {@code GET} method of every JAX-RS resource bean of the
 * build under test (a path parameter given an id no job has), each job {@code /jobs} lists by its own id, and the
 * health and metrics endpoints Quarkus serves. An endpoint added later is asked too.
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
        List<String> resources = resourceGets();
        assertTrue(resources.contains("/jobs") && resources.contains("/baton/state"),
                "the resources were not found, so nothing would be asked: " + resources);
        List<String> paths = new ArrayList<>(resources);
        paths.addAll(QUARKUS_ENDPOINTS);
        for (String id : given().get("/jobs").then().extract().jsonPath().getList("id", String.class)) {
            paths.add("/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        List<String> errors = new ArrayList<>();
        for (String path : paths) {
            Response response = given().urlEncodingEnabled(false).get(path);
            int status = response.statusCode();
            boolean healthDown = status == 503 && path.startsWith("/q/health")
                    && "DOWN".equals(response.jsonPath().getString("status"));
            if (status >= 500 && !healthDown) {
                errors.add("GET " + path + " -> " + status + ": " + firstLine(response.asString()));
            }
        }
        assertEquals(List.of(), errors, "asked " + paths);
    }

    @Test
    void anUnknownJobIsNotFound() {
        given().get("/jobs/" + UNKNOWN).then().statusCode(404);
    }

    /** Every {@code GET} of every resource bean, as a path with {@link #UNKNOWN} for each parameter. */
    static List<String> resourceGets() {
        TreeSet<String> paths = new TreeSet<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            Path root = type.getAnnotation(Path.class);
            if (root == null) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(GET.class)) {
                    Path sub = method.getAnnotation(Path.class);
                    paths.add(join(root.value(), sub == null ? "" : sub.value()));
                }
            }
        }
        return new ArrayList<>(paths);
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
