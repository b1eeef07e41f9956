package dev.baton.examples;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.baton.LeaderChanged;
import dev.baton.Leadership;
import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.SingletonRun;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.scheduler.Scheduled;

/**
 * A singleton on the service-wide Lease: every 30 s the leader, and only the leader, logs which replica holds
 * each Lease it has seen. The holders come from {@link LeaderChanged} events, which this replica receives for every
 * Lease it takes part in (the service-wide one and each job's own). Turn it off with
 * {@code baton.examples.summary.every=off}.
 */
@ApplicationScoped
@IfBuildProperty(name = ExamplesConfig.ENABLED, stringValue = "true")
public class ClusterSummaryJob {

    private static final Logger LOG = Logger.getLogger(ClusterSummaryJob.class);

    private final Leadership leadership;
    // Lease (namespace/name) -> holder as last observed here; sorted so that the log line reads the same every run.
    private final Map<String, String> holders = new ConcurrentSkipListMap<>();

    ClusterSummaryJob(Leadership leadership) {
        this.leadership = leadership;
    }

    // Observed, not authoritative (a holder may have changed since): good enough for a log line, not to act on.
    void onLeaderChanged(@Observes LeaderChanged event) {
        holders.put(event.lease().toString(), event.newHolder().orElse("nobody"));
    }

    @Scheduled(every = "${baton.examples.summary.every}", identity = "cluster-summary",
            skipExecutionIf = LeaderOnly.class)
    @SingletonJob
    void summarize() {
        SingletonRun run = SingletonRun.current().orElseThrow();
        StringBuilder summary = new StringBuilder();
        holders.forEach((lease, holder) -> summary.append(summary.isEmpty() ? "" : ", ").append(lease).append(" -> ")
                .append(holder));
        if (run.isValid()) {
            LOG.infof("Cluster summary by %s (epoch %d): %s", leadership.identity(), run.epoch(), summary);
        }
    }
}
