package dev.baton.examples;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.baton.election.Elections;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.SingletonRun;
import io.quarkus.scheduler.Scheduled;

/**
 * A singleton on the service-wide Lease: every 30 s the leader, and only the leader, logs which replica holds
 * each Lease it knows. Turn it off with {@code baton.jobs.examples.summary.every=off}.
 */
@ApplicationScoped
public class ClusterSummaryJob {

    private static final Logger LOG = Logger.getLogger(ClusterSummaryJob.class);

    private final Elections elections;

    ClusterSummaryJob(Elections elections) {
        this.elections = elections;
    }

    @Scheduled(every = "${baton.jobs.examples.summary.every}", identity = "cluster-summary",
            skipExecutionIf = LeaderOnly.class)
    @SingletonJob
    void summarize() {
        SingletonRun run = SingletonRun.current().orElseThrow();
        StringBuilder holders = new StringBuilder();
        for (LeaderElector e : elections.all()) {
            holders.append(holders.isEmpty() ? "" : ", ").append(e.lease()).append(" -> ")
                    .append(e.leader().orElse("nobody"));
        }
        if (run.isValid()) {
            LOG.infof("Cluster summary by %s (epoch %d): %s", elections.identity(), run.epoch(), holders);
        }
    }
}
