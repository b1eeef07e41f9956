package dev.baton.scheduling.run;

/**
 * Binds the run to its term: registers it with {@link RunsInProgress}, which stops it the moment the term ends
 * (interrupting its thread, cancelling its async result) and which the drain waits for. Registered before the
 * started record and the last checks below, so that a drain beginning meanwhile either waits for this run or is
 * seen here.
 * <p>
 * Neither the event loop nor a method declared async is ever interrupted: a method returning a {@code Uni} or a
 * {@code CompletionStage} may be called on the event loop, and so is a {@code @NonBlocking} one.
 */
final class BindToTermLink implements RunLink {

    private final RunLink next;
    private final RunsInProgress runs;

    BindToTermLink(RunLink next, RunsInProgress runs) {
        this.next = next;
        this.runs = runs;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        fire.mayBlock = !fire.declaredAsync() && !io.vertx.core.Context.isOnEventLoopThread();
        Run run = bind(fire, runs);
        // The drain may have looked before this run was registered.
        Object result = runs.draining() ? new NotRun("draining") : next.invoke(fire);
        if (result instanceof NotRun) {
            unbind(fire.run, fire.mayBlock, runs);
        }
        return result;
    }

    /**
     * Makes the run of {@code fire}'s current attempt and registers it, bound to the fire's term: here for the first
     * attempt, by {@link RetryLink} for each further one (each attempt is a run of its own: its own duration, stop
     * and record).
     */
    static Run bind(Fire fire, RunsInProgress runs) {
        Run run = new Run(fire, fire.term, fire.mayBlock ? Thread.currentThread() : null, System.nanoTime());
        fire.run = run;
        runs.add(run);
        return run;
    }

    /** A run that was bound but never began: unregistered, and our stop, if one came, kept from the thread. */
    static void unbind(Run run, boolean mayBlock, RunsInProgress runs) {
        boolean stopped = run.finish();
        runs.remove(run);
        if (mayBlock && stopped) {
            Thread.interrupted(); // our stop, come while waiting, must not hit the thread's next task
        }
    }
}
