package dev.baton.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How the SCALE benchmark is shaped ({@code bench.scale-*} system properties). The election timings are Baton's
 * defaults (15 s lease, 10 s renew deadline, 2 s retry period), the same for fabric8's electors; the jar, the test
 * classpath and the JVM options of every replica are the failover benchmark's ({@link BenchSettings}).
 *
 * @param sizes the numbers of job Leases measured, each on fresh replicas (none: the SCALE part is skipped, its API
 *        cost part still runs)
 * @param window the steady window measured at each size, cut into {@code samples} equal sub-windows
 * @param kinds which replicas are measured (Baton, fabric8's electors, or both)
 */
record ScaleSettings(BenchSettings base, List<Integer> sizes, Duration window, int samples, List<ScaleGroup.Kind> kinds,
        int replicas, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, Path out) {

    /** The service Lease of each group; the job Leases are {@code scale-0000...}. */
    static final String SERVICE_LEASE = "scale-leader";

    /** From system properties, with the given defaults (CI's or the full run's). */
    static ScaleSettings fromSystemProperties(String sizes, int windowSeconds, int samples) {
        BenchSettings base = BenchSettings.fromSystemProperties();
        return new ScaleSettings(base,
                Arrays.stream(System.getProperty("bench.scale-sizes", sizes).split(",")).map(String::trim)
                        .filter(x -> !x.isEmpty()).map(Integer::valueOf).toList(),
                Duration.ofSeconds(Integer.getInteger("bench.scale-window-seconds", windowSeconds)),
                Integer.getInteger("bench.scale-samples", samples),
                Arrays.stream(System.getProperty("bench.scale-kinds", "BATON,FABRIC8").split(",")).map(String::trim)
                        .map(ScaleGroup.Kind::valueOf).toList(),
                Integer.getInteger("bench.replicas", 3),
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), base.out());
    }

    Duration subWindow() {
        return window.dividedBy(samples);
    }
}
