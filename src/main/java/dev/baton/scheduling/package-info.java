/**
 * <b>API.</b> What a job author imports to run a Quarkus {@code @Scheduled} method on exactly one replica:
 * {@link dev.baton.scheduling.SingletonJob} (the interceptor binding, with the job's options),
 * {@link dev.baton.scheduling.LeaderOnly} (the skip predicate alone, for jobs that only need "leader only"),
 * {@link dev.baton.scheduling.SingletonRun} (the run in progress: its slot, trigger, term and epoch) and
 * {@link dev.baton.scheduling.RunTrigger}. This package imports nothing but {@code dev.baton}.
 * <p>
 * How a fire becomes a run, and what is guaranteed, is described once, in {@code dev.baton.scheduling.run}. The
 * sub-packages, bottom up: {@code records} (what Baton keeps in a job's Lease), {@code controls} (what operators
 * write there), {@code gate} (whether this replica may run a job now), {@code run} (the chain), {@code runtime} (the
 * CDI side: discovery, the interceptor, shutdown). None of them is API.
 */
package dev.baton.scheduling;
