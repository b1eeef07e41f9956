package dev.baton.http;

import jakarta.enterprise.context.ApplicationScoped;

import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import io.quarkus.scheduler.Scheduled;

/**
 * Two singleton jobs that fail, off unless {@link UnauthenticatedEndpointsTest} sets their schedule: one with a
 * short first line followed by lines (and a cause) that must never be shown, one with a first line longer than the
 * 200 characters a record keeps.
 */
@ApplicationScoped
public class FailingJob {

    static final String MULTILINE = "test-failing-multiline";
    static final String LONG = "test-failing-long";

    static final String FIRST_LINE = "cannot reach the ledger at ledger.internal:5432 after 3 tries";
    static final String SECOND_LINE = "connection string: postgres://app:second-line-secret@ledger.internal/ledger";
    static final String CAUSE = "cause-secret-never-shown";
    static final String LONG_LINE = "a long first line " + "x".repeat(300) + " and its end-never-shown";

    @Scheduled(every = "${test.jobs.failing.every:off}", identity = MULTILINE, skipExecutionIf = LeaderOnly.class)
    @SingletonJob
    void failOnSeveralLines() {
        throw new IllegalStateException(FIRST_LINE + "\n" + SECOND_LINE, new RuntimeException(CAUSE));
    }

    @Scheduled(every = "${test.jobs.failing.every:off}", identity = LONG, skipExecutionIf = LeaderOnly.class)
    @SingletonJob
    void failOnALongLine() {
        throw new IllegalArgumentException(LONG_LINE);
    }
}
