package dev.baton.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How a benchmark run is shaped. The same election timings apply to Baton and to fabric8's elector.
 *
 * @param cycles how many times each scenario is repeated per group
 * @param steady how long the steady-state window (request counts, memory) lasts
 * @param naiveFor how long the naive baseline runs
 */
record BenchSettings(Path jar, String classpath, Path out, int replicas, int cycles, Duration leaseDuration,
        Duration renewDeadline, Duration retryPeriod, Duration work, Duration steady, Duration naiveFor,
        List<Scenario> scenarios, List<String> jvmOptions) {

    static final String NAMESPACE = "bench";

    /** From system properties {@code bench.*}, with the documented full run's values as defaults. */
    static BenchSettings fromSystemProperties() {
        return fromSystemProperties(5, 30);
    }

    /** From system properties {@code bench.*}; cycles and steady window default as given. */
    static BenchSettings fromSystemProperties(int cycles, int steadySeconds) {
        return new BenchSettings(
                // The benchmark's build of the application: the product plus BenchJob (see pom.xml).
                Path.of(System.getProperty("bench.jar", "target/bench-app/quarkus-app/quarkus-run.jar")),
                System.getProperty("bench.classpath", System.getProperty("java.class.path")),
                Path.of(System.getProperty("bench.out", "target/bench")),
                Integer.getInteger("bench.replicas", 3),
                Integer.getInteger("bench.cycles", cycles),
                Duration.ofSeconds(Integer.getInteger("bench.lease-seconds", 4)),
                Duration.ofMillis(Integer.getInteger("bench.renew-ms", 3000)),
                Duration.ofMillis(Integer.getInteger("bench.retry-ms", 1000)),
                Duration.ofMillis(Integer.getInteger("bench.work-ms", 100)),
                Duration.ofSeconds(Integer.getInteger("bench.steady-seconds", steadySeconds)),
                Duration.ofSeconds(Integer.getInteger("bench.naive-seconds", 10)),
                Arrays.stream(System.getProperty("bench.scenarios", "GRACEFUL,CRASH,FREEZE,CUT,SKEW").split(","))
                        .map(String::trim).map(Scenario::valueOf).toList(),
                // Same for every replica: small heap, one GC thread, C1 only (2 cores for nine JVMs and the harness).
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
    }
}
