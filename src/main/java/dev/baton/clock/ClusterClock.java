package dev.baton.clock;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * This replica's wall-clock offset from the cluster's, for anyone to read: health, metrics, the job gate. Every read
 * is a volatile read of an immutable {@link ClockEstimate}, safe on the event loop and in a skip predicate.
 * <p>
 * Fed by the Kubernetes client's answers ({@link MeasuredKubernetesClientProducer} adds {@link #interceptor()}).
 * With the embedded store there is no cluster: the estimate is {@link ClockEstimate#NO_CLUSTER}.
 * <p>
 * The application's one instance is produced at start-up by {@code dev.baton.scheduling.runtime.ClusterClockProducer},
 * so that a negative {@code baton.jobs.max-clock-skew} fails the boot, naming the key, before any job runs.
 */
public class ClusterClock {

    private final boolean embedded;
    private final Duration maxSkew;
    private final ClockOffsetEstimator estimator;
    private final Ticker ticker;
    /** The last verdict: {@link ClockTrust#judge(ClockEstimate, Duration, ClockTrust)} needs it for its hysteresis. */
    private final AtomicReference<ClockTrust> verdict = new AtomicReference<>(ClockTrust.UNMEASURED);

    /**
     * @param embedded true with the embedded store: there is no cluster to measure against
     * @param maxSkew {@code baton.jobs.max-clock-skew}, the offset past which {@link #trust()} refuses this clock: a
     *        jobs policy, handed in as a value so that measuring knows nothing of jobs
     */
    public ClusterClock(boolean embedded, Duration maxSkew, Clock wall, Ticker ticker) {
        this(embedded, maxSkew, new ClockOffsetEstimator(wall, ticker), ticker);
    }

    /** For tests that feed the estimator answers themselves. */
    ClusterClock(boolean embedded, Duration maxSkew, ClockOffsetEstimator estimator, Ticker ticker) {
        if (maxSkew.isNegative()) {
            throw new IllegalStateException("Invalid configuration baton.jobs.max-clock-skew: " + maxSkew
                    + " is negative; use 0s (refuse any provable offset) or more (default 2s)");
        }
        this.embedded = embedded;
        this.maxSkew = maxSkew;
        this.estimator = estimator;
        this.ticker = ticker;
    }

    /**
     * A clock with no cluster to compare with (the embedded store, tests of one process): its estimate is
     * {@link ClockEstimate#NO_CLUSTER}, so it never refuses a slot.
     */
    public static ClusterClock noCluster() {
        return new ClusterClock(true, Duration.ofSeconds(2), Clock.systemUTC(), Ticker.SYSTEM);
    }

    /** The current estimate (offset, uncertainty, samples); never blocks. */
    public ClockEstimate current() {
        return embedded ? ClockEstimate.NO_CLUSTER : estimator.estimate();
    }

    /** How long ago the newest answer arrived; empty until one did. */
    public Optional<Duration> lastSampleAge() {
        return current().lastSampleAge(ticker);
    }

    /**
     * Whether this clock may name cron slots now, under {@code baton.jobs.max-clock-skew}; once refused, it is trusted
     * again only when provably back within three quarters of the limit ({@link ClockTrust}). Lock-free: the estimate
     * is read again if another thread moved the verdict meanwhile.
     */
    public ClockTrust trust() {
        return verdict.updateAndGet(before -> ClockTrust.judge(current(), maxSkew, before));
    }

    /** {@code baton.jobs.max-clock-skew}. */
    public Duration maxSkew() {
        return maxSkew;
    }

    /** The hook that measures: add it to the HTTP client of every Kubernetes client whose answers should count. */
    public Interceptor interceptor() {
        return new DateHeaderInterceptor(estimator, ticker);
    }
}
