package dev.baton.examples;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.SingletonRun;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.scheduler.Scheduled;

/**
 * A singleton with its own Lease ({@code baton-example-report}, so another replica than the service leader may
 * hold it) and catch-up: at the top of every minute one replica writes a report line; after a handover that
 * missed a minute, the new holder writes the missed one once if it is at most 5 minutes old. Its last run is the
 * Lease's annotation {@code baton.dev/job.minute-report}. Turn it off with
 * {@code baton.examples.report.cron=off}.
 */
@ApplicationScoped
@IfBuildProperty(name = ExamplesConfig.ENABLED, stringValue = "true")
public class MinuteReportJob {

    private static final Logger LOG = Logger.getLogger(MinuteReportJob.class);

    @Scheduled(cron = "${baton.examples.report.cron}", identity = "minute-report",
            skipExecutionIf = LeaderOnly.class)
    @SingletonJob(lease = "baton-example-report", catchUp = CatchUp.RUN_LATEST, startingDeadline = "5m")
    void report() {
        SingletonRun run = SingletonRun.current().orElseThrow();
        LOG.infof("Minute report for %s written under epoch %d of %s%s", run.slot(), run.epoch(), run.term().lease(),
                run.catchUp() ? " (caught up after a handover)" : "");
    }
}
