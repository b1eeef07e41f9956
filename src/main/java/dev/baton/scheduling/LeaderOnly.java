package dev.baton.scheduling;

import java.util.Optional;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Skips a scheduled execution unless this replica may run it as a cluster singleton now:
 * {@code @Scheduled(every = "10s", skipExecutionIf = LeaderOnly.class)}, or for a programmatic job
 * {@code scheduler.newJob(id).setSkipPredicate(LeaderOnly.class)}. It holds a valid term of the job's Lease (the
 * service-wide one, or the {@link SingletonJob#lease()} of the method), the application is not draining, the
 * process is not a sidecar, and a {@link SingletonJob} is not suspended on its Lease.
 * <p>
 * The decision is {@link JobGate}'s, a non-blocking read of in-memory state (the elector's current term), so it is
 * safe where Quarkus calls it on the event loop for reactive jobs; Quarkus then fires a {@code SkippedExecution}
 * event for the skip. Around it, two things the predicate is the only place to do: count a skip in
 * {@code baton.job.skips}, and hand the slot of a fire it lets through to the interceptor ({@link FiredSlots}).
 */
@Singleton
public class LeaderOnly implements Scheduled.SkipPredicate {

    private static final Logger LOG = Logger.getLogger(LeaderOnly.class);

    private final JobManager jobs;

    LeaderOnly(JobManager jobs) {
        this.jobs = jobs;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        JobSpec spec = jobs.forMethod(execution.getTrigger().getMethodDescription())
                .orElseGet(() -> jobs.gateOnly(execution.getTrigger().getId()));
        Optional<String> skip = jobs.runner().skipReason(spec);
        if (skip.isPresent()) {
            LOG.debugf("Job %s: slot %s skipped (%s)", spec.id(), execution.getScheduledFireTime(), skip.get());
            jobs.runner().skipped(spec, skip.get());
            return true;
        }
        jobs.firedSlots().put(spec, execution.getScheduledFireTime());
        return false;
    }
}
