package dev.baton.examples;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.baton.Leadership;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.scheduler.Scheduled;

/**
 * A per-replica job: a plain {@code @Scheduled} method runs on every replica. Each logs a heartbeat saying whether it
 * leads (not in sidecar mode). Turn it off with {@code baton.examples.heartbeat.every=off}.
 */
@ApplicationScoped
@IfBuildProperty(name = ExamplesConfig.ENABLED, stringValue = "true")
public class ReplicaHeartbeatJob {

    private static final Logger LOG = Logger.getLogger(ReplicaHeartbeatJob.class);

    private final Leadership leadership;

    ReplicaHeartbeatJob(Leadership leadership) {
        this.leadership = leadership;
    }

    @Scheduled(every = "${baton.examples.heartbeat.every}", identity = "replica-heartbeat",
            skipExecutionIf = ServiceModeOnly.class)
    void beat() {
        LOG.infof("Heartbeat from %s (%s of %s)", leadership.identity(),
                leadership.isLeader() ? "leader" : "standby", leadership.lease());
    }
}
