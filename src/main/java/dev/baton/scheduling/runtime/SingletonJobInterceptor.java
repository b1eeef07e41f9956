package dev.baton.scheduling.runtime;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import org.jboss.logging.Logger;

import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.run.JobRunner;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Runs a {@link SingletonJob} method through the {@link JobRunner}: only inside a valid term of its Lease,
 * once per slot, bound to the term. The slot is, in order: the one Baton fired itself (being caught up, or the moment
 * a run request was started), the execution passed to the method, the one {@link LeaderOnly} let through, the latest
 * cron slot, or now.
 */
@SingletonJob
@Interceptor
// Outermost among application interceptors: a transaction or retry around the job happens inside the run.
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class SingletonJobInterceptor {

    private static final Logger LOG = Logger.getLogger(SingletonJobInterceptor.class);

    private final JobManager jobs;

    SingletonJobInterceptor(JobManager jobs) {
        this.jobs = jobs;
    }

    @AroundInvoke
    Object around(InvocationContext ctx) throws Exception {
        String method = JobDiscovery.describe(ctx.getMethod());
        JobSpec spec = jobs.forMethod(method).orElse(null);
        if (spec == null) {
            LOG.errorf("%s is annotated @SingletonJob but is not a known singleton job (is it @Scheduled on a bean?); "
                    + "not run", method);
            return null;
        }
        Optional<Instant> pending = JobRunner.pendingSlot(spec); // a catch-up or a run request Baton fired itself
        Instant slot = pending.or(() -> execution(ctx).map(ScheduledExecution::getScheduledFireTime))
                .or(() -> jobs.firedSlots().take(spec))
                .orElseGet(() -> Instant.now().truncatedTo(ChronoUnit.MILLIS));
        if (spec.cron().isPresent() && pending.isEmpty()) {
            // Quarkus may report a fire time a little after the slot: name the run by its cron slot.
            slot = spec.cron().get().latestAtOrBefore(slot).orElse(slot);
        }
        return jobs.runner().run(spec, slot, pending.isPresent(), ctx.getMethod().getReturnType(), ctx::proceed);
    }

    private static Optional<ScheduledExecution> execution(InvocationContext ctx) {
        for (Object p : ctx.getParameters()) {
            if (p instanceof ScheduledExecution e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
