package dev.baton.scheduling.run;

/**
 * A {@link RunLink}'s answer when the slot did not run here. Never reaches the scheduler: {@link SkipReportLink},
 * the outermost link, turns it into what a skipped method returns.
 *
 * @param reason the {@code baton.job.skips} reason, e.g. {@code not-leader}, {@code already-run}, {@code draining}
 */
record NotRun(String reason) {
}
