package dev.baton.scheduling.run;

import dev.baton.scheduling.telemetry.JobMetrics;

import org.jboss.logging.Logger;

/**
 * Outermost link: reports a fire that did not run. Logs it at DEBUG, counts it in {@code baton.job.skips} under its
 * reason, and returns what a skipped method returns, so every link below can simply answer {@link NotRun}.
 */
final class SkipReportLink implements RunLink {

    private static final Logger LOG = Logger.getLogger(SkipReportLink.class);

    private final RunLink next;
    private final JobMetrics metrics;

    SkipReportLink(RunLink next, JobMetrics metrics) {
        this.next = next;
        this.metrics = metrics;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        Object result = next.invoke(fire);
        if (result instanceof NotRun notRun) {
            LOG.debugf("Singleton job %s: slot %s skipped (%s)", fire.spec.id(), fire.slot, notRun.reason());
            metrics.skipped(fire.spec, notRun.reason());
            return fire.skippedResult();
        }
        return result;
    }
}
