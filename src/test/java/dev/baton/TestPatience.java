package dev.baton;

import java.time.Duration;

/** Shared by every test that waits. */
public final class TestPatience {

    /**
     * How long a test waits for what should happen (a leader, a run, a record): generous, so that a loaded machine
     * does not fail a test, and never a threshold a test passes or fails on (each wait ends as soon as its condition
     * holds).
     */
    public static final Duration PATIENCE = Duration.ofSeconds(20);

    private TestPatience() {
    }
}
