package dev.baton.scheduling;

import java.util.Map;

/**
 * With {@code overlap = SKIP} (the default), a fire does not start a run while the previous run of the same job is
 * still going on this replica (skip reason {@code still-running}), as CronJob's {@code concurrencyPolicy: Forbid}.
 * The job counts as running from here until its last attempt's run has ended: for a returned {@code Uni} or stage,
 * when that completes, not when the method returns; for a job that retries, also while it waits to retry.
 * <p>
 * Only this replica's runs are seen: after a handover the old leader's run has been told to stop (its term ended),
 * and the new leader does not wait for it; a job that ignores being stopped can still overlap there, as the package
 * documentation says.
 */
final class NoOverlapLink implements RunLink {

    private final RunLink next;
    /** The fire that holds each job, by id; shared by every chain of one runner. */
    private final Map<String, Fire> active;

    NoOverlapLink(RunLink next, Map<String, Fire> active) {
        this.next = next;
        this.active = active;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        String id = fire.spec.id();
        if (active.putIfAbsent(id, fire) != null) {
            return new NotRun("still-running");
        }
        boolean releaseNow = true;
        try {
            Object result = next.invoke(fire);
            Run run = fire.run;
            if (!(result instanceof NotRun) && run != null && !run.done.isDone()) {
                releaseNow = false; // an async result still running: released when it ends
                run.done.whenComplete((v, e) -> active.remove(id, fire));
            }
            return result;
        } finally {
            if (releaseNow) {
                active.remove(id, fire);
            }
        }
    }
}
