package dev.baton.clock;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What is known of this replica's wall-clock offset at one moment: an immutable value, so readers (health, metrics,
 * the job gate) get it with one volatile read and never wait for the estimator.
 *
 * @param source where the value comes from; only {@link Source#MEASURED} carries an offset
 * @param offset this replica's clock minus the cluster's (positive: ahead); {@link Duration#ZERO} unless measured
 * @param uncertainty half the width of the interval known to contain the true offset, as of the moment the estimate
 *        was read (it grows between answers by the drift allowance)
 * @param samples the answers this estimate rests on (those since the last detected step)
 * @param lastSampleNanos when the newest of them arrived, on the monotonic clock ({@link Ticker})
 * @param stepsDetected how many times an answer contradicted the earlier ones (the local clock was stepped) since
 *        start; each time the estimate restarted from that answer
 */
public record ClockEstimate(Source source, Duration offset, Duration uncertainty, int samples, long lastSampleNanos,
        long stepsDetected) {

    /** Where an estimate comes from. */
    public enum Source {
        /** Measured from the API server's {@code Date} headers. */
        MEASURED,
        /** The Kubernetes store, but no answer with a usable {@code Date} header yet. */
        NO_ANSWER_YET,
        /** The embedded store (dev mode, tests): no cluster, so no cluster clock to compare with. */
        NO_CLUSTER
    }

    static final ClockEstimate NO_ANSWER = new ClockEstimate(Source.NO_ANSWER_YET, Duration.ZERO, Duration.ZERO, 0, 0,
            0);
    public static final ClockEstimate NO_CLUSTER = new ClockEstimate(Source.NO_CLUSTER, Duration.ZERO, Duration.ZERO,
            0, 0, 0);

    public boolean measured() {
        return source == Source.MEASURED;
    }

    /** The offset, when measured. */
    public Optional<Duration> knownOffset() {
        return measured() ? Optional.of(offset) : Optional.empty();
    }

    /** How long ago the newest answer arrived, when measured. */
    public Optional<Duration> lastSampleAge(Ticker ticker) {
        return measured() ? Optional.of(Duration.ofNanos(Math.max(0, ticker.nanos() - lastSampleNanos)))
                : Optional.empty();
    }

    /** This estimate at {@code nowNanos}: the uncertainty grows by the drift allowance since the newest answer. */
    ClockEstimate agedTo(long nowNanos) {
        if (!measured()) {
            return this;
        }
        long drift = ClockOffsetEstimator.drift(nowNanos - lastSampleNanos);
        return drift == 0 ? this
                : new ClockEstimate(source, offset, uncertainty.plusNanos(drift), samples, lastSampleNanos,
                        stepsDetected);
    }

    /** For people: {@code +0.12s ±0.30s (12 samples)}, or why there is no value. */
    public String describe() {
        return switch (source) {
            case NO_CLUSTER -> "no cluster clock (embedded store)";
            case NO_ANSWER_YET -> "unknown: no API answer with a Date header yet";
            case MEASURED -> String.format(Locale.ROOT, "%+.2fs ±%.2fs (%d sample%s)", seconds(offset),
                    seconds(uncertainty), samples, samples == 1 ? "" : "s");
        };
    }

    public static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }
}
