package dev.baton.bench;

/** What became of one run's write through the fenced sink. */
public enum SinkOutcome {
    /** The sink took the write: its epoch was not older than the newest it had seen. */
    ACCEPTED,
    /** The sink refused the write: a newer epoch had already written. */
    REJECTED,
    /** The run did not write: its term had ended before the write (the job fenced itself). */
    FENCED,
    /** No sink configured, or it could not be reached. */
    NONE
}
