package dev.baton.health;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What Baton's health checks report, under {@code baton.health.*}. */
@ConfigMapping(prefix = "baton.health")
public interface HealthConfig {

    /**
     * Report readiness UP on the leader only. For a Service that must route to the leader alone. The price: during
     * a rolling update a new pod never becomes ready while another replica leads, so the rollout waits for
     * {@code progressDeadlineSeconds} unless {@code maxUnavailable} lets it go on; prefer the leader-only Service
     * (selector {@code role=leader}) and keep this false.
     */
    @WithDefault("false")
    boolean readyOnlyWhenLeader();

    /**
     * How long a singleton run may go on after its term ended before liveness goes DOWN and Kubernetes restarts the
     * pod. Longer than the job drain timeout (20 s by default), so a run that is stopping as asked is not killed.
     */
    @WithDefault("30s")
    Duration overrunLimit();

    /**
     * After how long without any sign of progress the elector counts as wedged (liveness DOWN). By default derived
     * from the election timings and the client's request timeout; see {@link ElectorProgress#wedgedAfter}.
     */
    Optional<Duration> wedgedAfter();
}
