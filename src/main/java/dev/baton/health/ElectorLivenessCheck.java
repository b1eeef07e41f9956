package dev.baton.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.jboss.logging.Logger;

import dev.baton.config.ApiRequestTimeout;
import dev.baton.config.BatonConfig;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.gate.Overruns;
import dev.baton.runtime.Elections;

/**
 * Liveness: DOWN only for what a restart cures. An elector whose thread is stuck (see {@link ElectorProgress}),
 * or a singleton run still going long after its term ended ({@code baton.health.overrun-limit}): in both cases
 * this replica may act on a Lease it no longer holds, and killing the pod is the one remedy left. A standby, a
 * replica without RBAC or without an API server is alive: a restart would not change that.
 */
@Liveness
@Singleton
public class ElectorLivenessCheck implements HealthCheck {

    static final String NAME = "baton-elector";

    private static final Logger LOG = Logger.getLogger(ElectorLivenessCheck.class);

    private final Elections elections;
    private final ElectorProgress progress;
    private final HealthConfig config;
    private final Instance<Overruns> runs;
    private final Duration requestTimeout;
    // So the pod's log says once why Kubernetes is about to restart it.
    private volatile boolean down;

    ElectorLivenessCheck(Elections elections, ElectorProgress progress, HealthConfig config,
            Instance<Overruns> runs, BatonConfig batonConfig) {
        this.requestTimeout = ApiRequestTimeout.of(batonConfig); // fixed for the process: read once, not per probe
        this.elections = elections;
        this.progress = progress;
        this.config = config;
        this.runs = runs;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        List<String> problems = new ArrayList<>();
        long now = System.nanoTime();
        // Electors exist but are never started while election is disabled: nothing to make progress.
        for (LeaderElector elector : elections.enabled() ? elections.all() : List.<LeaderElector> of()) {
            Duration limit = config.wedgedAfter().orElseGet(() -> ElectorProgress.wedgedAfter(elector, requestTimeout));
            Duration since = progress.sinceLastProgress(elector, now);
            boolean service = elector.settings().leaseName().equals(elections.settings().leaseName());
            if (service) {
                response.withData("secondsSinceProgress", since.toSeconds())
                        .withData("wedgedAfter", limit.toString());
            }
            if (since.compareTo(limit) > 0) {
                problems.add("elector of lease " + elector.lease() + " made no progress for " + since.toSeconds()
                        + "s (limit " + limit.toSeconds() + "s): its thread is stuck");
            }
        }
        if (runs.isResolvable()) {
            for (Overruns.Overrun overrun : runs.get().overruns()) {
                if (overrun.sinceTermEnded().compareTo(config.overrunLimit()) > 0) {
                    problems.add("job " + overrun.job() + " still runs " + overrun.sinceTermEnded().toSeconds()
                            + "s after its term (lease " + overrun.lease() + ", epoch " + overrun.epoch()
                            + ") ended (limit " + config.overrunLimit().toSeconds() + "s)");
                }
            }
        }
        if (!problems.isEmpty()) {
            response.withData("problem", String.join("; ", problems));
            if (!down) {
                LOG.warnf("Liveness is DOWN, Kubernetes will restart this pod: %s", String.join("; ", problems));
            }
        } else if (down) {
            LOG.infof("Liveness is UP again");
        }
        down = !problems.isEmpty();
        return response.status(problems.isEmpty()).build();
    }
}
