package dev.baton.scheduling.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.baton.Term;
import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.SingletonRun;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;

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
    final RunTrigger trigger;
    /** The run request's token, for a requested run. */
    final String request;
    /** The attempt's number, from 1. */
    final int attempt;
    final Term term;
    /** On the monotonic clock: the run's duration is measured from here. */
    final long startNanos;
    /** Completes with the reason when the run is told to stop; an async result is bound to it. */
    final CompletableFuture<String> stopped = new CompletableFuture<>();
    /** Completes when the run has finished (or never began), whichever thread ends it. */
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<Runnable> onStop = new ArrayList<>();
    private Thread thread;
    /** True while the run's outcome belongs to the calling thread (false once an async result took it over). */
    volatile boolean blocking;
    private boolean finished;
    /**
     * When it was told its term ended or the application drains (monotonic), 0 until then: how long it has overrun
     * its term. A timeout alone does not set it: a run that outlives its timeout inside its term overlaps nobody.
     */
    volatile long stoppedAtNanos;
    volatile String stopReason;
    /** True when it was stopped because it ran past its timeout. */
    volatile boolean timedOut;
    /** How it ended, once {@link RunEnd} decided; null before. */
    volatile JobRecord.Outcome outcome;
    /** Completes with its record once {@link RunEnd} decided how it ended (also when that record is not written). */
    final CompletableFuture<JobRecord> ended = new CompletableFuture<>();

    /**
     * @param thread the thread to interrupt when the run is stopped; null where it must never be interrupted (the
     *        event loop, or a method whose result is async)
     */
    Run(Fire fire, Term term, Thread thread, long startNanos) {
        this.spec = fire.spec;
        this.slot = fire.slot;
        this.catchUp = fire.catchUp;
        this.trigger = fire.trigger;
        this.request = fire.request;
        this.attempt = fire.attempt;
        this.term = term;
        this.thread = thread;
        this.blocking = thread != null;
        this.startNanos = startNanos;
    }

    /** Tells the run to stop because its term ended or the application drains, once; a finished run is left alone. */
    synchronized void stop(String why) {
        if (finished) {
            return;
        }
        if (stoppedAtNanos == 0) {
            stoppedAtNanos = System.nanoTime(); // also when a timeout stopped it already: it now outlives its term
        }
        interrupt(why);
    }

    /** Tells the run to stop because it ran past its timeout; recorded TIMED_OUT. */
    synchronized void timeOut(String why) {
        if (finished || stopReason != null) {
            return;
        }
        timedOut = true;
        interrupt(why);
    }

    private void interrupt(String why) {
        if (stopReason != null) {
            return;
        }
        stopReason = why;
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
        done.complete(null);
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
    public RunTrigger trigger() {
        return trigger;
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
