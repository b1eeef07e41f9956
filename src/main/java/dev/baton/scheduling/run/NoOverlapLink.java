package dev.baton.scheduling.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.baton.scheduling.RunTrigger;

/**
 * With {@code overlap = SKIP} (the default), a fire does not start a run while the previous run of the same job is
 * still going on this replica (skip reason {@code still-running}), as CronJob's {@code concurrencyPolicy: Forbid}.
 * The job counts as running from here until its last attempt's run has ended: for a returned {@code Uni} or stage,
 * when that completes, not when the method returns; for a job that retries, also while it waits to retry.
 * <p>
 * Two exceptions, so that a handover costs no slot: a scheduled fire that finds the job held by a run of an earlier
 * slot that is a <em>catch-up</em>, or whose method has returned and only its final record is being written, waits
 * for it to end, then runs (still never beside it), as long as the slot after its own is not due yet. A catch-up
 * starts late by nature (when a term begins, plus its started record), and so does the first run of a new term,
 * whose records wait behind the term's first API calls: with a short schedule either is often still going when the
 * next slot fires on time. Skipping that slot would lose a run that nothing but Baton's own lateness stood in the
 * way of (a slot missed at a graceful handover, issue 11). A run that is itself still working is skipped as before.
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
     * True when {@code holder}'s method has returned and only its final record is left. Not for a job that retries:
     * between attempts its run has ended too, yet it still holds the job.
     */
    private static boolean onlyRecording(Fire holder) {
        Run run = holder.run;
        return run != null && run.done.isDone() && holder.spec.options().retries() == 0;
    }

    /**
     * Waits for {@code holder} to release the job when it is a catch-up of an earlier slot or only records its end,
     * and {@code fire} a scheduled fire of a cron job, at most until the slot after {@code fire}'s is due. Waiting
     * is for a blocking method only: a catch-up only exists for one ({@code RUN_LATEST}), and a reactive job's fire
     * is on the event loop, which must not wait.
     *
     * @return true when the holder has released the job (try again), false when this fire is to be skipped
     */
    private boolean awaitCatchUp(Fire fire, Fire holder) throws InterruptedException {
        if (fire.trigger != RunTrigger.SCHEDULE || !holder.slot.isBefore(fire.slot) || fire.spec.cron().isEmpty()
                || !(holder.catchUp || onlyRecording(holder))
                || fire.declaredAsync() || io.vertx.core.Context.isOnEventLoopThread()) {
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
