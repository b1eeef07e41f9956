package dev.baton.http.page;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import dev.baton.scheduling.SingletonJob;
import io.quarkus.scheduler.Scheduled;

/**
 * The jobs the status page's tests look at, off unless a test profile sets {@code test.page.every}: two on the
 * service-wide Lease (and one whose id is too long for a plain suspension key), two on a Lease of their own (one
 * failing every other run, so the page has failures to colour), and one per replica.
 */
@ApplicationScoped
public class PageJobs {

    static final String TICK = "page-tick";
    static final String PAUSED = "page-paused";
    static final String REPORT = "page-report";
    static final String FLAKY = "page-flaky";
    static final String HEARTBEAT = "page-heartbeat";
    /** 56 characters: too long for {@code baton.dev/suspend.<id>}, so its suspension has the short form. */
    static final String LONG = "page-long-job-id-too-long-for-the-suspend-annotation-key";
    static final String REPORT_LEASE = "page-report";
    static final String FLAKY_ERROR = "the ledger did not answer";

    private final AtomicInteger flakyRuns = new AtomicInteger();

    @Scheduled(every = "${test.page.every:off}", identity = TICK)
    @SingletonJob
    void tick() {
    }

    @Scheduled(every = "${test.page.every:off}", identity = PAUSED)
    @SingletonJob
    void paused() {
    }

    @Scheduled(every = "${test.page.every:off}", identity = REPORT)
    @SingletonJob(lease = REPORT_LEASE)
    void report() {
    }

    @Scheduled(every = "${test.page.every:off}", identity = FLAKY)
    @SingletonJob(lease = REPORT_LEASE)
    void flaky() {
        // Every other run: a history entry keeps no error, only the last record does, so the page names the error
        // of a failure it polled (every 3 s) as the last run; runs 3 apart of a job failing every third run could
        // all be successes.
        if (flakyRuns.incrementAndGet() % 2 == 0) {
            throw new IllegalStateException(FLAKY_ERROR);
        }
    }

    @Scheduled(every = "${test.page.every:off}", identity = LONG)
    @SingletonJob
    void longId() {
    }

    @Scheduled(every = "${test.page.every:off}", identity = HEARTBEAT)
    void heartbeat() {
    }
}
