package dev.baton.scheduling;

/**
 * What made a run: the job's schedule, a catch-up when a term began, or an operator's run request. Written to its
 * record and history as {@code trigger}.
 */
public enum RunTrigger {
    SCHEDULE("schedule"),
    CATCH_UP("catch-up"),
    MANUAL("manual");

    /** The name in records, history and {@code GET /jobs}. */
    public final String value;

    RunTrigger(String value) {
        this.value = value;
    }
}
