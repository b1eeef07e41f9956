package dev.baton.scheduling;

import io.quarkus.scheduler.Scheduled;

/**
 * Skips a scheduled execution unless this replica may run it as a cluster singleton now:
 * {@code @Scheduled(every = "10s", skipExecutionIf = LeaderOnly.class)}, or for a programmatic job
 * {@code scheduler.newJob(id).setSkipPredicate(LeaderOnly.class)}. It holds a valid term of the job's Lease (the
 * service-wide one, or the {@link SingletonJob#lease()} of the method), the application is not draining, the
 * process is not a sidecar, and a {@link SingletonJob} is not suspended on its Lease.
 * <p>
 * The decision is a non-blocking read of in-memory state (the elector's current term), so it is safe where Quarkus
 * calls it on the event loop for reactive jobs; Quarkus then fires a {@code SkippedExecution} event for the skip, and
 * Baton counts it in {@code baton.job.skips}. This interface only names the predicate: its one bean is Baton's
 * ({@code dev.baton.scheduling.runtime.LeaderOnlyPredicate}), so the API package depends on no implementation.
 */
public interface LeaderOnly extends Scheduled.SkipPredicate {
}
