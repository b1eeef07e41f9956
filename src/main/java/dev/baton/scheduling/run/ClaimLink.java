package dev.baton.scheduling.run;

import java.util.function.Function;

/**
 * A slot runs at most once on this replica: claims it in memory ({@link Claim}), so that the scheduler's fire and a
 * catch-up of the same slot, or two overlapping fires, do not both run it. When the links below do not run it after
 * all, and so record nothing, the claim is given back: a later fire of that slot may still run it.
 */
final class ClaimLink implements RunLink {

    private final RunLink next;
    private final Function<String, RegisteredJob> jobs;

    /** @param jobs the registered job of an id; null for a job never registered */
    ClaimLink(RunLink next, Function<String, RegisteredJob> jobs) {
        this.next = next;
        this.jobs = jobs;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        RegisteredJob.Claim claim = RegisteredJob.Claim.take(jobs.apply(fire.spec.id()), fire.slot);
        if (claim == null) {
            return new NotRun("already-run");
        }
        Object result = next.invoke(fire);
        if (result instanceof NotRun) {
            claim.rollBack();
        }
        return result;
    }
}
