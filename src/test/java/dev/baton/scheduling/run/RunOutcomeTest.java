package dev.baton.scheduling.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.records.JobRecord.Outcome;

/** How a run's end is named in its record and in {@code baton.job.runs}: one call per case. */
class RunOutcomeTest {

    @Test
    void eachEndHasItsOutcome() {
        assertEquals(Outcome.SUCCEEDED, RunEnd.outcome(false, null));
        assertEquals(Outcome.FAILED, RunEnd.outcome(false, new IllegalStateException("boom")));
        assertEquals(Outcome.FAILED, RunEnd.outcome(false, new CompletionException(new IllegalStateException())),
                "an async failure is judged by its cause");
        assertEquals(Outcome.INTERRUPTED, RunEnd.outcome(false, new InterruptedException()));
        assertEquals(Outcome.INTERRUPTED, RunEnd.outcome(false, new CancellationException()));
        assertEquals(Outcome.INTERRUPTED, RunEnd.outcome(false, new CompletionException(new CancellationException())));
        assertEquals(Outcome.INTERRUPTED, RunEnd.outcome(true, null),
                "told to stop and returned normally: it may have swallowed the interrupt, not finished its work");
        assertEquals(Outcome.INTERRUPTED, RunEnd.outcome(true, new IllegalStateException("boom")));
        assertEquals(Outcome.TIMED_OUT, RunEnd.outcome(true, true, new InterruptedException()),
                "stopped by its timeout: the interrupt it throws is ours");
        assertEquals(Outcome.TIMED_OUT, RunEnd.outcome(true, true, null), "and if it swallowed it");
        assertEquals(Outcome.TIMED_OUT, RunEnd.outcome(true, true, new CancellationException()), "an async one");
        assertEquals(Outcome.SUCCEEDED, RunEnd.outcome(false, false, null));
    }
}
