package dev.baton.http;

import java.time.Duration;
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

import dev.baton.clock.ClockEstimate;
import dev.baton.clock.ClockTrust;
import dev.baton.clock.ClusterClock;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.runtime.JobManager;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;

/**
 * {@code GET /jobs}: every scheduled job of this replica, what kind it is, who holds its Lease, its last recorded
 * run, its history, whether it is suspended, the exact annotation keys of its controls, whether this replica would
 * run it now, and this replica's clock offset (by which those jobs name their slots); {@code GET /jobs/<id>} one of
 * them. Reads only in-memory state (what this replica last saw of each Lease, the jobs and {@code @Scheduled}
 * declarations discovered at start-up), so it is cheap, never calls the API server, and any replica shows the
 * cluster's view of the Leases it watches.
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
     * @param notHereBecause why not, when it would not ({@code clock-skew}: this replica's clock is off)
     * @param suspended whether its Lease suspends it (singleton jobs only)
     * @param suspendedBy the annotation that does ({@code baton.dev/suspend.<id>} or {@code baton.dev/suspend})
     * @param controls the exact annotation keys that suspend it or ask for a run (singleton jobs only)
     * @param history its last runs as its Lease keeps them, newest first (empty for other kinds)
     * @param historyLease where the history is kept: the job's Lease, or for a spread job its shard's history Lease
     *        (written every {@code baton.jobs.spread-history-interval}: other replicas show entries when they land)
     * @param lastRequest the last run request the holder claimed or answered, with its outcome
     * @param clock this replica's wall clock against the cluster's, by which singleton and leader-only jobs name
     *        their slots; null for a per-replica job
     */
    public record JobView(String id, String method, String schedule, String kind, String lease, String holder,
            String catchUp, JobRecord lastRun, Instant nextFireTime, boolean runsHere, String notHereBecause,
            boolean suspended, String suspendedBy, Controls controls, List<JobRecord> history,
            String historyLease, JobRecord lastRequest, ClockView clock) {
    }

    /**
     * This replica's wall-clock offset from the cluster's ({@link ClusterClock}), the same on every job of a reply.
     *
     * @param offset for people: {@code -330.12s ±0.05s (12 samples)}, or why it is unknown
     * @param offsetSeconds this replica's clock minus the cluster's (positive: ahead); null when not measured
     * @param uncertaintySeconds half the width of the interval known to hold the true offset; null when not measured
     * @param trust {@code WITHIN}, {@code BEYOND} ({@code baton.jobs.max-clock-skew}: this replica runs no singleton
     *        slot and holds no job Lease) or {@code UNMEASURED}
     */
    public record ClockView(String offset, Double offsetSeconds, Double uncertaintySeconds, ClockTrust trust) {

        static ClockView of(ClusterClock clock) {
            ClockEstimate e = clock.current();
            return new ClockView(e.describe(), e.measured() ? seconds(e.offset()) : null,
                    e.measured() ? seconds(e.uncertainty()) : null, clock.trust());
        }

        private static double seconds(Duration d) {
            return d.toNanos() / 1e9;
        }
    }

    /**
     * The annotations an operator sets on the job's Lease: {@code kubectl annotate lease <lease> <suspend>=true}
     * (remove it to resume), {@code kubectl annotate --overwrite lease <lease> <run>=<token>}.
     *
     * @param suspend the key that suspends this job
     * @param run the key that asks for one run now
     * @param lease the Lease to annotate: the job's own, or for a spread job its shard's record Lease
     */
    public record Controls(String suspend, String run, String lease) {
    }

    private final Scheduler scheduler;
    private final JobManager jobs;
    private final ClusterClock clusterClock;

    JobsResource(Scheduler scheduler, JobManager jobs, ClusterClock clusterClock) {
        this.scheduler = scheduler;
        this.jobs = jobs;
        this.clusterClock = clusterClock;
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
        ClockView clock = ClockView.of(clusterClock);
        for (Trigger trigger : triggers()) {
            String method = trigger.getMethodDescription();
            Optional<JobSpec> spec = jobs.forMethod(method);
            if (spec.isPresent()) {
                singletonMethods.add(method);
                views.add(singleton(spec.get(), method, trigger, clock));
            } else if (gatedByLeaderOnly(method, trigger.getId())) {
                views.add(gated(jobs.gateOnlyJob(trigger.getId()), trigger, method, clock));
            } else {
                // isRunning is false, not an exception, when the scheduler is not started: isPaused is asked only after
                boolean runs = scheduler.isRunning() && !scheduler.isPaused(trigger.getId());
                views.add(new JobView(trigger.getId(), method, schedule(method), "per-replica", null, null, null, null,
                        trigger.getNextFireTime(), runs, runs ? null : "scheduler paused", false, null, null, List.of(),
                        null, null, null));
            }
        }
        jobs.jobs().forEach((method, spec) -> {
            if (!singletonMethods.contains(method)) {
                views.add(singleton(spec, method, null, clock)); // scheduled "off": listed with its record, never fired
            }
        });
        views.sort(Comparator.comparing(JobView::id));
        return views;
    }

    /**
     * The scheduler's triggers, or none while it is not started. Quarkus starts its scheduler only when the
     * application declares a {@code @Scheduled} method (or {@code quarkus.scheduler.start-mode=forced}), and never
     * with {@code quarkus.scheduler.enabled=false}; until then every query of it but {@code isStarted} and
     * {@code isRunning} throws "Scheduler was not started". That is the state of a deployment before its first job
     * (and of the product build, which has none of its own): no jobs, which is an answer, not an error.
     */
    private List<Trigger> triggers() {
        return scheduler.isStarted() ? scheduler.getScheduledJobs() : List.of();
    }

    private JobView singleton(JobSpec spec, String method, Trigger trigger, ClockView clock) {
        Optional<String> notHere = trigger == null ? Optional.of("not scheduled") : jobs.runner().skipReason(spec);
        LeaderElector elector = jobs.elector(spec.leaseName());
        Optional<String> suspendedBy = jobs.runner().suspendedBy(spec);
        return new JobView(spec.id(), method, spec.schedule(), "singleton", lease(elector, spec),
                elector == null ? null : elector.holder().orElse(null), spec.catchUp().name(),
                jobs.runner().lastRecord(spec).orElse(null), trigger == null ? null : trigger.getNextFireTime(),
                notHere.isEmpty(), notHere.orElse(null), suspendedBy.isPresent(), suspendedBy.orElse(null),
                new Controls(spec.suspendKey(), spec.runKey(), elector == null ? spec.leaseName()
                        : elector.recordLease().orElse(spec.leaseName())), jobs.runner().history(spec),
                elector == null ? spec.leaseName()
                        : elector.deferredLease().or(elector::recordLease).orElse(spec.leaseName()),
                jobs.runner().lastRequest(spec).orElse(null), clock);
    }

    private JobView gated(JobSpec spec, Trigger trigger, String method, ClockView clock) {
        Optional<String> notHere = jobs.runner().skipReason(spec);
        LeaderElector elector = jobs.elector(spec.leaseName());
        return new JobView(trigger.getId(), method, schedule(method), "leader-only",
                lease(elector, spec), elector == null ? null : elector.holder().orElse(null), null, null,
                trigger.getNextFireTime(), notHere.isEmpty(), notHere.orElse(null), false, null, null, List.of(),
                null, null, clock);
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
