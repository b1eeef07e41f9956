package dev.baton.sidecar;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.baton.Leadership;
import dev.baton.config.BatonConfig;

/**
 * What {@code registry.k8s.io/leader-elector} served on {@code --http}: {@code GET /} answers
 * {@code {"name":"<leader>"}}, with an empty name while nobody holds the Lease. Only the observed holder's name is
 * given, never anything else about the Lease or the cluster.
 * <p>
 * In service mode {@code /} answers 404: a main container probing port 4040 of a misconfigured pod must get an
 * error, not a page it might take for the sidecar's answer.
 */
@Path("/")
public class SidecarResource {

    private final BatonConfig config;
    private final Leadership leadership;

    SidecarResource(BatonConfig config, Leadership leadership) {
        this.config = config;
        this.leadership = leadership;
    }

    /** The leader-elector's JSON body. */
    public record LeaderName(String name) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response leader() {
        if (config.mode() != BatonConfig.Mode.SIDECAR) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        return Response.ok(new LeaderName(leadership.holder().orElse(""))).build();
    }
}
