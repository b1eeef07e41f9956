package dev.baton.observability;

import java.time.Duration;
import java.util.function.Function;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.baton.clock.ClockEstimate;
import dev.baton.clock.ClusterClock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * This replica's wall-clock offset from the cluster's (Prometheus names in brackets):
 * <ul>
 * <li>{@code baton.clock.offset} gauge, seconds [{@code baton_clock_offset_seconds}]: this replica's clock minus the
 * API server's, positive when ahead;</li>
 * <li>{@code baton.clock.offset.uncertainty} gauge, seconds [{@code baton_clock_offset_uncertainty_seconds}]: the
 * true offset is within this much of the value above.</li>
 * </ul>
 * Both are NaN while there is nothing measured (embedded store, or no API answer yet): 0 would claim a perfect clock.
 * Example alert: {@code abs(baton_clock_offset_seconds) - baton_clock_offset_uncertainty_seconds > 2}.
 */
@Singleton
public class ClockMetrics {

    private final MeterRegistry registry;
    private final ClusterClock clock;

    ClockMetrics(MeterRegistry registry, ClusterClock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Registered at start-up, so a scrape never misses them. */
    void onStart(@Observes StartupEvent event) {
        gauge("baton.clock.offset", "This replica's wall clock minus the cluster's (API server Date headers)",
                ClockEstimate::offset);
        gauge("baton.clock.offset.uncertainty", "The measured clock offset is within this much of the true one",
                ClockEstimate::uncertainty);
    }

    private void gauge(String name, String description, Function<ClockEstimate, Duration> value) {
        Gauge.builder(name, clock, c -> seconds(c.current(), value))
                .description(description).baseUnit("seconds").strongReference(true).register(registry);
    }

    private static double seconds(ClockEstimate estimate, Function<ClockEstimate, Duration> value) {
        if (!estimate.measured()) {
            return Double.NaN;
        }
        Duration d = value.apply(estimate);
        return d.getSeconds() + d.getNano() / 1e9;
    }
}
