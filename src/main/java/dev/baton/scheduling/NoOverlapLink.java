package dev.baton.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * With {@code overlap = SKIP} (the default), a fire does not start a run while the previous run of the same job is
 * still going on this replica (skip reason {@code still-running}), as CronJob's {@code concurrencyPolicy: Forbid}.
 * The job counts as running from here until its last attempt's run has ended: for a returned {@code Uni} or stage,
 * when that completes, not when the method returns; for a job that retries, also while it waits to retry.
 * <p>
 * One exception, so that a handover costs no slot: a scheduled fire that finds the job held by a <em>catch-up</em> of
 * an earlier slot waits for it to end, then runs (still never beside it), as long as the slot after its own is not
 * due yet. A catch-up starts late by nature (when a term begins, plus its started record), and with a short schedule
 * it is often still going when the next slot fires on time: skipping that slot would lose a run that nothing else
 * stood in the way of, a slot missed on every such handover.
 * <p>
 * Only this replica's runs are seen: after a handover the old leader's run has been told to stop (its term ended),
 * and the new leader does not wait for it; a job that ignores being stopped can still overlap there, as the package
 * documentation says.
 */
final class NoOverlapLink implements RunLink {

    private final RunLink next;
    /** The fire that holds each job, by id; shared by every chain of one runner. */
    private final Map<String, Fire> active;

    private final Clock clock;

    NoOverlapLink(RunLink next, Map<String, Fire> active, Clock clock) {
        this.next = next;
        this.active = active;
        this.clock = clock;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        String id = fire.spec.id();
        for (Fire holder = active.putIfAbsent(id, fire); holder != null; holder = active.putIfAbsent(id, fire)) {
            if (!awaitCatchUp(fire, holder)) {
                return new NotRun("still-running");
            }
        }
        boolean releaseNow = true;
        try {
            Object result = next.invoke(fire);
            Run run = fire.run;
            if (!(result instanceof NotRun) && run != null && !run.done.isDone()) {
                releaseNow = false; // an async result still running: released when it ends
                run.done.whenComplete((v, e) -> release(id, fire));
            }
            return result;
        } finally {
            if (releaseNow) {
                release(id, fire);
            }
        }
    }

    private void release(String id, Fire fire) {
        active.remove(id, fire);
        fire.released.complete(null);
    }

    /**
     * Waits for {@code holder} to release the job when it is a catch-up of an earlier slot and {@code fire} a
     * scheduled fire, at most until the slot after {@code fire}'s is due. A catch-up only exists for a blocking
     * method with a cron schedule ({@code RUN_LATEST}), so this fire is on a worker thread that may wait.
     *
     * @return true when the holder has released the job (try again), false when this fire is to be skipped
     */
    private boolean awaitCatchUp(Fire fire, Fire holder) throws InterruptedException {
        if (!holder.catchUp || fire.trigger != RunTrigger.SCHEDULE || !holder.slot.isBefore(fire.slot)
                || fire.spec.cron().isEmpty()) {
            return false;
        }
        Instant until = fire.spec.cron().get().next(fire.slot).orElse(fire.slot);
        long waitMs = Duration.between(clock.instant(), until).toMillis();
        if (waitMs <= 0) {
            return false;
        }
        try {
            holder.released.get(waitMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }
}
