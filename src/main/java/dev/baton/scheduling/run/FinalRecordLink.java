package dev.baton.scheduling.run;

/**
 * Ends the run when the job's work ends, however it ends ({@link RunEnd}: outcome, meters, final record): when the
 * method returns or throws, or, for a returned {@code Uni} or {@code CompletionStage}, when that completes, fails
 * or is cancelled ({@link AsyncBinding}).
 */
final class FinalRecordLink implements RunLink {

    private final RunLink next;
    private final RunEnd end;

    FinalRecordLink(RunLink next, RunEnd end) {
        this.next = next;
        this.end = end;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        Run run = fire.run;
        Object result;
        try {
            result = next.invoke(fire);
        } catch (Throwable t) {
            end.end(run, fire.elector, t);
            throw t;
        }
        if (result instanceof NotRun) {
            return result; // a link below declined: nothing ran, nothing to record
        }
        if (AsyncBinding.isAsync(result)) {
            return AsyncBinding.bind(result, run, failure -> end.end(run, fire.elector, failure));
        }
        end.end(run, fire.elector, null);
        return result;
    }
}
