package dev.baton.http.page;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.baton.runtime.Elections;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.runtime.JobManager;
import dev.baton.store.LeaseStore;
import io.quarkus.arc.profile.IfBuildProfile;

/**
 * The job controls of {@code ./mvnw quarkus:dev}, where there is no cluster and so no {@code kubectl}: the status
 * page's buttons write the same Lease annotations an operator writes with {@code kubectl annotate}, on the embedded
 * store's Lease, with a conditional update, touching no other annotation.
 * <ul>
 * <li>{@code POST /baton/dev/jobs/<id>/suspend}: {@code baton.dev/suspend.<id>=true}</li>
 * <li>{@code POST /baton/dev/jobs/<id>/resume}: removes it</li>
 * <li>{@code POST /baton/dev/jobs/<id>/run}: {@code baton.dev/run.<id>=<a new token>}</li>
 * </ul>
 * The keys are the job's own ({@link JobSpec#suspendKey()}, {@link JobSpec#runKey()}: the ones {@code GET /jobs}
 * shows, with the short form of an id too long for an annotation name), so the caller names only the job. The
 * request must be JSON (its body is not read; the page sends {@code {}}): a browser sends a cross-site JSON POST
 * only after a CORS preflight, which this application does not answer, so other web sites cannot use it.
 * <p>
 * <b>Only in the dev build</b> ({@link IfBuildProfile}): a prod or test build has no such bean and answers 404.
 * In a cluster the control is {@code kubectl} and RBAC decides who may use it; a write endpoint here would let
 * anyone who reaches the port do what the Role was meant to limit. Even in dev it refuses a store other than the
 * embedded one, for a developer who points dev mode at a real cluster.
 */
@Path("/baton/dev/jobs/{id}")
@IfBuildProfile("dev")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class DevControlsResource {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Elections elections;
    private final JobManager jobs;

    DevControlsResource(Elections elections, JobManager jobs) {
        this.elections = elections;
        this.jobs = jobs;
    }

    @POST
    @Path("suspend")
    public Response suspend(@PathParam("id") String id) {
        return write(id, JobSpec::suspendKey, "true");
    }

    @POST
    @Path("resume")
    public Response resume(@PathParam("id") String id) {
        return write(id, JobSpec::suspendKey, null);
    }

    @POST
    @Path("run")
    public Response run(@PathParam("id") String id) {
        // A new token per request: the scheduler runs each token once, so a second click is a second run.
        return write(id, JobSpec::runKey, "dev-" + Long.toString(System.currentTimeMillis(), 36) + "-"
                + HexFormat.of().toHexDigits((short) RANDOM.nextInt()));
    }

    private Response write(String id, Function<JobSpec, String> control, String value) {
        Optional<JobSpec> job = jobs.runner().job(id);
        if (job.isEmpty()) {
            return error(Response.Status.NOT_FOUND, "No singleton job '" + id + "' in this application");
        }
        String key = control.apply(job.get());
        LeaseStore store = elections.store();
        // A spread job's controls are on its shard's record Lease (issue 19).
        String lease = elections.existing(job.get().leaseName()).flatMap(e -> e.recordLease())
                .orElse(job.get().leaseName());
        if (!store.embedded()) {
            return error(Response.Status.CONFLICT, "Dev controls write the embedded store only; on a cluster: "
                    + "kubectl annotate --overwrite lease -n " + store.namespace() + " " + lease + " "
                    + (value == null ? key + "-" : key + "=" + value));
        }
        AnnotateLease.Result result = new AnnotateLease(store).annotate(lease, key, value);
        if (result instanceof AnnotateLease.Written written) {
            return Response.ok(written).build();
        }
        if (result instanceof AnnotateLease.NoLease) {
            return error(Response.Status.NOT_FOUND, "Lease " + lease + " does not exist (yet): its elector creates it");
        }
        return error(Response.Status.CONFLICT, "Lease " + lease + " changed on every one of "
                + AnnotateLease.ATTEMPTS + " attempts; try again");
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON).build();
    }
}
