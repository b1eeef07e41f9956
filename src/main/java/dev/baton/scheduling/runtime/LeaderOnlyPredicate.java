package dev.baton.scheduling.runtime;

import java.util.Optional;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.records.JobSpec;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * The bean behind {@link LeaderOnly}: the API names the predicate, this decides with {@code JobGate} (through the
 * runner), counts a skip and hands the slot of a fire it lets through to the interceptor ({@link FiredSlots}).
 */
@Singleton
class LeaderOnlyPredicate implements LeaderOnly {

    private static final Logger LOG = Logger.getLogger(LeaderOnly.class);

    private final JobManager jobs;

    LeaderOnlyPredicate(JobManager jobs) {
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
