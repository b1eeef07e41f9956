package dev.baton.scheduling;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.baton.Term;

/**
 * One singleton run, bound to its term: stopping it interrupts its thread or cancels its result, and
 * {@link #isValid()} turns false. What users see of it is {@link SingletonRun}.
 * <p>
 * Stopping and finishing are synchronized with each other so that a stop that comes as the run ends either reaches
 * the run (its thread is still its own) or is not sent at all: an interrupt must never hit the thread's next task.
 */
final class Run implements SingletonRun {

    final JobSpec spec;
    final Instant slot;
    final boolean catchUp;
    final Term term;
    /** On the monotonic clock: the run's duration is measured from here. */
    final long startNanos;
    /** Completes with the reason when the run is told to stop; an async result is bound to it. */
    final CompletableFuture<String> stopped = new CompletableFuture<>();
    private final List<Runnable> onStop = new ArrayList<>();
    private Thread thread;
    /** True while the run's outcome belongs to the calling thread (false once an async result took it over). */
    volatile boolean blocking;
    private boolean finished;
    /** When it was told to stop (monotonic), 0 until then: how long it has overrun its term. */
    volatile long stoppedAtNanos;
    volatile String stopReason;

    /**
     * @param thread the thread to interrupt when the run is stopped; null where it must never be interrupted (the
     *        event loop, or a method whose result is async)
     */
    Run(JobSpec spec, Instant slot, boolean catchUp, Term term, Thread thread, long startNanos) {
        this.spec = spec;
        this.slot = slot;
        this.catchUp = catchUp;
        this.term = term;
        this.thread = thread;
        this.blocking = thread != null;
        this.startNanos = startNanos;
    }

    /** Tells the run to stop, once; a finished run is left alone. */
    synchronized void stop(String why) {
        if (finished || stopReason != null) {
            return;
        }
        stopReason = why;
        stoppedAtNanos = System.nanoTime();
        if (thread != null) {
            thread.interrupt();
        }
        onStop.forEach(Runnable::run);
        stopped.complete(why);
    }

    /** The method returned an async result: from now on the run ends with that result, not with the thread. */
    synchronized void detachThread() {
        thread = null;
        blocking = false;
    }

    /** Runs {@code action} when the run is stopped (at once if it already was). */
    synchronized void onStop(Runnable action) {
        if (stopReason != null) {
            action.run();
        } else {
            onStop.add(action);
        }
    }

    /** Marks the run finished; true when it had been told to stop. */
    synchronized boolean finish() {
        finished = true;
        thread = null;
        return stopReason != null;
    }

    @Override
    public String job() {
        return spec.id();
    }

    @Override
    public Instant slot() {
        return slot;
    }

    @Override
    public boolean catchUp() {
        return catchUp;
    }

    @Override
    public Term term() {
        return term;
    }

    @Override
    public boolean isValid() {
        return stopReason == null && term.isValid();
    }
}
