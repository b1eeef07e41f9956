package dev.baton.scheduling.run;

/**
 * One link of the chain a singleton run is made of, as Quarkus's scheduler builds its invoker from small decorators
 * (skip if concurrent, skip predicate, emit status...). Each link does one thing, then hands the fire to the next
 * link, or answers without it. {@link JobRunner} lists the chain; a job option that changes how a run happens (a
 * timeout, retries, a suspended job) is a new link there.
 * <p>
 * A link answers one of three ways:
 * <ul>
 * <li>a {@link NotRun}, when the slot did not run here: the links above undo what they did for it (a claim, a
 * registration) and the outermost counts the skip;</li>
 * <li>the method's result (the scheduler's to have), bound to the run when it is a {@code Uni} or a stage;</li>
 * <li>an exception the job threw, rethrown after its outcome was recorded.</li>
 * </ul>
 */
@FunctionalInterface
interface RunLink {

    /** The end of every chain: the job's method itself (through the interceptor's {@code proceed}). */
    RunLink BODY = fire -> fire.body.call();

    Object invoke(Fire fire) throws Exception;
}
