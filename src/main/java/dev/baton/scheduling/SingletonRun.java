package dev.baton.scheduling;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.baton.Term;

/**
 * The singleton run in progress on this thread: which slot it is for and the term it belongs to. Read it at the
 * top of a {@link SingletonJob} method (for a {@code Uni} or {@code CompletionStage} job, capture it there and use
 * the captured value in callbacks), and check {@link #isValid()} before each side effect; pass {@link #epoch()} to
 * stores that fence on it.
 */
public interface SingletonRun {

    /** The job's id. */
    String job();

    /** The scheduled instant this run is for. */
    Instant slot();

    /** What made this run: its schedule, a catch-up of a slot missed while no replica led, or an operator's request. */
    RunTrigger trigger();

    /** @deprecated a boolean hid manual runs: use {@link #trigger()} {@code == RunTrigger.CATCH_UP}. */
    @Deprecated(forRemoval = true)
    default boolean catchUp() {
        return trigger() == RunTrigger.CATCH_UP;
    }

    /** The term this run belongs to. */
    Term term();

    /** The term's fencing token. */
    default long epoch() {
        return term().epoch();
    }

    /** False as soon as the term ended (or the application drains): stop acting. */
    boolean isValid();

    /** The run on the current thread, if the current thread is executing a singleton job. */
    static Optional<SingletonRun> current() {
        return Optional.ofNullable(CurrentRun.RUN.get());
    }

    /**
     * Calls {@code body} with {@code run} as {@link #current()} on this thread, and only for the length of the call.
     * Baton's run chain calls it around every run; a job's own tests may call it with a run of their making to
     * exercise the job outside Baton.
     */
    static <T> T callAs(SingletonRun run, Callable<T> body) throws Exception {
        SingletonRun outer = CurrentRun.RUN.get();
        CurrentRun.RUN.set(run);
        try {
            return body.call();
        } finally {
            if (outer == null) {
                CurrentRun.RUN.remove();
            } else {
                CurrentRun.RUN.set(outer);
            }
        }
    }
}
