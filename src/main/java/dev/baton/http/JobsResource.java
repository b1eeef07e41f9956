package dev.baton.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.baton.election.LeaderElector;
import dev.baton.scheduling.JobRecord;
import dev.baton.scheduling.JobSpec;
import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.JobManager;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;

/**
 * {@code GET /jobs}: every scheduled job of this replica, what kind it is, who holds its Lease, its last recorded
 * run, its history, whether it is suspended, the exact annotation keys of its controls, and whether this replica
 * would run it now; {@code GET /jobs/<id>} one of them. Reads only in-memory state (what this replica last saw of
 * each Lease, the jobs and {@code @Scheduled} declarations discovered at start-up), so it is cheap, never calls the
 * API server, and any replica shows the cluster's view of the Leases it watches.
 */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    /**
     * One job.
     *
     * @param id the job's id (the trigger id, or the singleton job id)
     * @param method the scheduled method, {@code Class#method}; null for a programmatic job
     * @param schedule e.g. {@code cron 0 * * * * ?}, {@code every 10s}, {@code off}
     * @param kind {@code singleton} (bound to a term), {@code leader-only} (gated by {@link LeaderOnly} only) or
     *        {@code per-replica}
     * @param lease the Lease that gates it, as {@code namespace/name}; null for a per-replica job
     * @param holder who holds that Lease as this replica last saw it
     * @param catchUp the missed-slot policy of a singleton job
     * @param lastRun the run recorded in the Lease, if any
     * @param nextFireTime when this replica's scheduler fires it next
     * @param runsHere whether this replica would run it if it fired now
     * @param notHereBecause why not, when it would not
     * @param suspended whether its Lease suspends it (singleton jobs only)
     * @param suspendedBy the annotation that does ({@code baton.dev/suspend.<id>} or {@code baton.dev/suspend})
     * @param controls the exact annotation keys that suspend it or ask for a run (singleton jobs only)
     * @param history its last runs as its Lease keeps them, newest first (empty for other kinds)
     * @param lastRequest the last run request the holder claimed or answered, with its outcome
     */
    public record JobView(String id, String method, String schedule, String kind, String lease, String holder,
            String catchUp, JobRecord lastRun, Instant nextFireTime, boolean runsHere, String notHereBecause,
            boolean suspended, String suspendedBy, Controls controls, List<JobRecord> history,
            JobRecord lastRequest) {
    }

    /**
     * The annotations an operator sets on the job's Lease: {@code kubectl annotate lease <lease> <suspend>=true}
     * (remove it to resume), {@code kubectl annotate --overwrite lease <lease> <run>=<token>}.
     *
     * @param suspend the key that suspends this job
     * @param run the key that asks for one run now
     */
    public record Controls(String suspend, String run) {
    }

    private final Scheduler scheduler;
    private final JobManager jobs;

    JobsResource(Scheduler scheduler, JobManager jobs) {
        this.scheduler = scheduler;
        this.jobs = jobs;
    }

    /** One job (the same view as in the list, its whole history), or 404 for an id no job of this replica has. */
    @GET
    @Path("{id}")
    public JobView one(@PathParam("id") String id) {
        return list().stream().filter(v -> v.id().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException("No scheduled job has the id " + id));
    }

    @GET
    public List<JobView> list() {
        List<JobView> views = new ArrayList<>();
        Set<String> singletonMethods = new HashSet<>();
        for (Trigger trigger : scheduler.getScheduledJobs()) {
            String method = trigger.getMethodDescription();
            Optional<JobSpec> spec = jobs.forMethod(method);
            if (spec.isPresent()) {
                singletonMethods.add(method);
                views.add(singleton(spec.get(), method, trigger));
            } else if (gatedByLeaderOnly(method, trigger.getId())) {
                views.add(gated(jobs.gateOnlyJob(trigger.getId()), trigger, method));
            } else {
                boolean runs = scheduler.isRunning() && !scheduler.isPaused(trigger.getId());
                views.add(new JobView(trigger.getId(), method, schedule(method), "per-replica", null, null, null, null,
                        trigger.getNextFireTime(), runs, runs ? null : "scheduler paused", false, null, null, List.of(),
                        null));
            }
        }
        jobs.jobs().forEach((method, spec) -> {
            if (!singletonMethods.contains(method)) {
                views.add(singleton(spec, method, null)); // scheduled "off": listed with its record, never fired
            }
        });
        views.sort(Comparator.comparing(JobView::id));
        return views;
    }

    private JobView singleton(JobSpec spec, String method, Trigger trigger) {
        Optional<String> notHere = trigger == null ? Optional.of("not scheduled") : jobs.runner().skipReason(spec);
        LeaderElector elector = jobs.elector(spec.leaseName());
        Optional<String> suspendedBy = jobs.runner().suspendedBy(spec);
        return new JobView(spec.id(), method, spec.schedule(), "singleton", lease(elector, spec),
                elector == null ? null : elector.leader().orElse(null), spec.catchUp().name(),
                jobs.runner().lastRecord(spec).orElse(null), trigger == null ? null : trigger.getNextFireTime(),
                notHere.isEmpty(), notHere.orElse(null), suspendedBy.isPresent(), suspendedBy.orElse(null),
                new Controls(spec.suspendKey(), spec.runKey()), jobs.runner().history(spec),
                jobs.runner().lastRequest(spec).orElse(null));
    }

    private JobView gated(JobSpec spec, Trigger trigger, String method) {
        Optional<String> notHere = jobs.runner().skipReason(spec);
        LeaderElector elector = jobs.elector(spec.leaseName());
        return new JobView(trigger.getId(), method, schedule(method), "leader-only",
                lease(elector, spec), elector == null ? null : elector.leader().orElse(null), null, null,
                trigger.getNextFireTime(), notHere.isEmpty(), notHere.orElse(null), false, null, null, List.of(),
                null);
    }

    private static String lease(LeaderElector elector, JobSpec spec) {
        return elector == null ? spec.leaseName() : elector.lease().toString();
    }

    private boolean gatedByLeaderOnly(String method, String triggerId) {
        if (method == null) {
            return jobs.seenByLeaderOnly(triggerId);
        }
        return jobs.scheduledMethods().gatedByLeaderOnly(method);
    }

    private String schedule(String method) {
        return method == null ? "programmatic" : jobs.scheduledMethods().schedule(method);
    }
}
