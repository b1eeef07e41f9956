package dev.baton.scheduling.run;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.baton.scheduling.SingletonRun;

/**
 * {@code @SingletonJob(timeout = "5m")}: a run (each attempt) still going after its timeout is stopped the way a
 * run whose term ended is (its thread interrupted, an async result cancelled, {@link SingletonRun#isValid()}
 * false) and recorded {@code TIMED_OUT}. Timed from just before the method is called (after the started record or
 * the request's claim), on a timer thread of the runner's: the job's own thread is never used to stop it.
 * <p>
 * A run that ignores the interrupt goes on inside its term: it is not an overrun for health (nobody else runs the
 * job meanwhile), until its term ends.
 */
final class TimeoutLink implements RunLink {

    private final RunLink next;
    private final ScheduledExecutorService timers;

    TimeoutLink(RunLink next, ScheduledExecutorService timers) {
        this.next = next;
        this.timers = timers;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        Duration timeout = fire.spec.options().timeout().orElseThrow();
        Run run = fire.run;
        ScheduledFuture<?> timer = timers.schedule(() -> run.timeOut("it ran longer than its timeout (" + timeout + ")"),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        run.done.whenComplete((v, e) -> timer.cancel(false));
        return next.invoke(fire);
    }
}
