package dev.baton;

import java.util.Optional;

/**
 * The leadership of any Lease this application takes part in, read-only: the service-wide one and every job's own
 * ({@code @SingletonJob(lease = ...)}). Inject it to ask, for example, whether this replica leads a job's Lease
 * outside the job; it never creates, starts or releases an election.
 */
public interface Leaderships {

    /** The service-wide Lease's leadership (the {@link Leadership} bean). */
    Leadership service();

    /**
     * The leadership of Lease {@code name} in the store's namespace, once this application takes part in its
     * election; empty for a Lease it does not contest (or before start-up has started its elector).
     */
    Optional<Leadership> forLease(String name);
}
