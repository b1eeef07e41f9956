package dev.baton.http.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.baton.clock.ClusterClock;
import dev.baton.runtime.Elections;

/**
 * {@code GET /baton}: the status page, one HTML file with its stylesheet and script, all served from here (nothing
 * from elsewhere: clusters often cannot reach the internet, and a page that loads nothing foreign cannot be made to
 * run someone else's code). The script draws the page from {@code GET /jobs} and {@code GET /baton/state} and polls
 * both every few seconds.
 * <p>
 * Read-only: changing a job is annotating its Lease with {@code kubectl}, which RBAC already guards; an HTTP endpoint
 * that wrote them would be a second door to guard. Only a dev build has such an endpoint
 * ({@link DevControlsResource}).
 */
@Path("/baton")
public class StatusPageResource {

    /**
     * Scripts and styles from this origin only and no inline code, so a job id or error text that slipped into
     * the markup could not run; the page may be framed by no one.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final String HTML = asset("status.html");
    private static final String CSS = asset("status.css");
    private static final String JS = asset("status.js");

    private final Elections elections;
    private final ClusterClock clock;
    private final Instance<DevControlsResource> devControls;

    StatusPageResource(Elections elections, ClusterClock clock, Instance<DevControlsResource> devControls) {
        this.elections = elections;
        this.clock = clock;
        this.devControls = devControls;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(@Context UriInfo uri) {
        // The application's root path (quarkus.http.root-path), so the page finds /jobs wherever it is mounted.
        String base = uri.getBaseUri().getRawPath();
        return asset(HTML.replace("{{base}}", htmlAttribute(base.endsWith("/") ? base : base + "/")),
                MediaType.TEXT_HTML + ";charset=utf-8");
    }

    @GET
    @Path("status.css")
    @Produces("text/css")
    public Response stylesheet() {
        return asset(CSS, "text/css;charset=utf-8");
    }

    @GET
    @Path("status.js")
    @Produces("text/javascript")
    public Response script() {
        return asset(JS, "text/javascript;charset=utf-8");
    }

    /** The Leases as this replica sees them (the page's second source, beside {@code GET /jobs}). */
    @GET
    @Path("state")
    @Produces(MediaType.APPLICATION_JSON)
    public ClusterView state() {
        return ClusterView.of(elections, clock, devControls.isResolvable(), Clock.systemUTC());
    }

    private static Response asset(String body, String type) {
        return Response.ok(body, type)
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache")
                .build();
    }

    private static String asset(String name) {
        try (InputStream in = StatusPageResource.class.getResourceAsStream("/baton-page/" + name)) {
            if (in == null) {
                throw new IllegalStateException("The status page's " + name + " is missing from the application");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String htmlAttribute(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
