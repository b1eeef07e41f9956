package dev.baton.scheduling.run;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.baton.Term;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.records.JobSpec;
import io.smallrye.mutiny.Uni;

/**
 * One fire of a singleton job on its way through the {@link RunLink}s: what the scheduler (or a catch-up) asked
 * for, and what the links find out on the way. Confined to the thread that fired; the links fill in the fields in
 * chain order, so a link reads only what the links above it set.
 */
final class Fire {

    final JobSpec spec;
    final Instant slot;
    /** What fired it: the scheduler, a catch-up, or a run request. */
    final RunTrigger trigger;
    /** True when a catch-up, not the scheduler, fired it. */
    final boolean catchUp;
    /** The run request's token, for a {@link RunTrigger#MANUAL} fire; null otherwise. */
    final String request;
    /** The method's declared return type; null when unknown. */
    final Class<?> returnType;
    final Callable<Object> body;

    /** The elector of the job's Lease and the valid term it showed: set by {@link GateLink}. */
    LeaderElector elector;
    Term term;
    /** The run bound to that term, and whether its thread may be blocked and interrupted: set by {@link BindToTermLink}. */
    Run run;
    boolean mayBlock;
    /** The attempt under way, from 1: {@link RetryLink} counts it up and binds a new run for each. */
    int attempt = 1;
    /**
     * Completes when this fire no longer holds its job ({@link NoOverlapLink}): a scheduled fire waiting behind this
     * one, a catch-up, may go on. Completed from any thread.
     */
    final CompletableFuture<Void> released = new CompletableFuture<>();

    Fire(JobSpec spec, Instant slot, RunTrigger trigger, String request, Class<?> returnType, Callable<Object> body) {
        this.spec = spec;
        this.slot = slot;
        this.trigger = trigger;
        this.catchUp = trigger == RunTrigger.CATCH_UP;
        this.request = request;
        this.returnType = returnType;
        this.body = body;
    }

    /** True for a fire that a run request asked for, outside the schedule. */
    boolean manual() {
        return trigger == RunTrigger.MANUAL;
    }

    /** True when the method is declared to return a {@code Uni} or a {@code CompletionStage}. */
    boolean declaredAsync() {
        return returnType != null && (Uni.class.isAssignableFrom(returnType)
                || CompletionStage.class.isAssignableFrom(returnType));
    }

    /** What the method returns when it did not run: a void {@code Uni}, a completed stage, or null. */
    Object skippedResult() {
        if (returnType != null && Uni.class.isAssignableFrom(returnType)) {
            return Uni.createFrom().voidItem();
        }
        if (returnType != null && CompletionStage.class.isAssignableFrom(returnType)) {
            return CompletableFuture.completedFuture(null);
        }
        return null;
    }
}
