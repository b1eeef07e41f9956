package dev.baton.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Baton's configuration, under {@code baton.*}.
 * <p>
 * The seed's {@code --leader-elect*} program arguments map onto these keys (see {@link LeaderElectFlags}), so a
 * container started with {@code --leader-election-lease-duration=15s} and one configured with
 * {@code baton.lease-duration=15s} behave the same.
 * <p>
 * The three durations follow client-go's defaults and its rule: {@code lease-duration > renew-deadline >
 * 1.2 x retry-period > 0}. Start-up fails naming the key when a value breaks it (see {@code ElectionSettings}).
 */
@ConfigMapping(prefix = "baton")
public interface BatonConfig {

    /** Whether this replica takes part in leader election at all. When false it never leads and runs no singleton job. */
    @WithDefault("true")
    boolean enabled();

    /** Where the Lease lives. */
    @WithDefault("kubernetes")
    StoreKind store();

    /** What this process is: the service with its jobs, or the seed's leader-elector sidecar. */
    @WithDefault("service")
    Mode mode();

    /** Name of the service-wide Lease (the seed's {@code --leader-election-id} / {@code --election}). */
    @WithDefault("baton-leader")
    String leaseName();

    /**
     * Namespace of the Lease. Defaults to the pod's own ({@code POD_NAMESPACE} from the downward API), then to the
     * Kubernetes client's namespace.
     */
    Optional<String> namespace();

    /**
     * How long a standby waits, on its own clock, after it last saw the Lease change before it may take it.
     * A dead leader is replaced after about this long; shorter means faster failover and more risk from pauses.
     */
    @WithDefault("15s")
    Duration leaseDuration();

    /**
     * How long the leader keeps acting without a successful renewal. When it passes the leader steps down, before
     * any standby can judge the lease expired. Must be shorter than {@code lease-duration}: the difference is the
     * margin for clock-rate drift and for stopping work.
     */
    @WithDefault("10s")
    Duration renewDeadline();

    /** How often the leader renews and a candidate without a watch retries. Jitter of up to 20% is added. */
    @WithDefault("2s")
    Duration retryPeriod();

    /**
     * This replica's identity, written as the Lease's {@code holderIdentity}. Defaults to {@code POD_NAME}, then the
     * host name. Two processes given the same identity still never both lead: each also carries a private instance
     * id in the Lease.
     */
    Optional<String> identity();

    /** On graceful shutdown, release the Lease so a standby takes over at once instead of waiting for expiry. */
    @WithDefault("true")
    boolean releaseOnShutdown();

    /**
     * How long one Lease API request may take, set at run time. Quarkus fixes
     * {@code quarkus.kubernetes-client.request-timeout} at build time, but this one must fit the renew deadline
     * chosen for the deployment (one request plus a jittered retry period should fit in it). Unset: the client's.
     */
    @WithName("api-request-timeout")
    Optional<Duration> apiRequestTimeout();

    /** Seed sidecar mode ({@code --election=... --http=0.0.0.0:4040}): what it offers the main container. */
    Sidecar sidecar();

    interface Sidecar {
        /**
         * If set, the current leader's name is written to this file on every change (atomically, by rename), for a
         * main container that reads a shared {@code emptyDir} instead of calling port 4040.
         */
        @WithName("leader-file")
        Optional<String> leaderFile();
    }

    /** Where the Lease is kept. */
    enum StoreKind {
        /** The Kubernetes API ({@code coordination.k8s.io/v1} Lease). The only choice in the prod profile. */
        KUBERNETES,
        /**
         * An in-process store for {@code quarkus:dev} and tests, with no cluster. Every process has its own, so it
         * elects this process alone; refused in the prod profile.
         */
        EMBEDDED
    }

    /** What the process does. */
    enum Mode {
        /** The Baton service: elects, runs singleton jobs, serves health and metrics. */
        SERVICE,
        /** The seed's {@code leader-elector} sidecar: elects and serves the leader's name on {@code --http}; runs no job. */
        SIDECAR
    }
}
