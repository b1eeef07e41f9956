package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a benchmark run is shaped. The same election timings and JVM options apply to Baton and to fabric8's elector.
 *
 * @param cycles how many times each scenario is repeated per group
 * @param gracefulCycles how many times GRACEFUL is repeated per group (issue 11 asks for 20 or more handovers)
 * @param startSamples how many processes of each kind the START part starts, one at a time
 * @param steady how long the steady-state window (request counts, memory) lasts
 * @param naiveFor how long the naive baseline runs
 * @param jvmOptions every replica's JVM options (Baton's and fabric8's alike), from {@link #JVM_OPTIONS_FILE}
 * @param jvmOptionsSource where {@code jvmOptions} came from, for the report
 * @param batonCds Baton's AppCDS archive option ({@code -XX:SharedArchiveFile=...}) when the build made the archive;
 *        empty otherwise (fabric8's plain JVM has none)
 */
record BenchSettings(Path jar, String classpath, Path out, int replicas, int cycles, int gracefulCycles,
        int startSamples, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, Duration work,
        Duration steady, Duration naiveFor, List<Scenario> scenarios, List<String> jvmOptions, String jvmOptionsSource,
        List<String> batonCds) {

    static final String NAMESPACE = "bench";

    /** The product image's JVM options, one per line ({@code #} starts a comment), as the Dockerfile uses them. */
    static final Path JVM_OPTIONS_FILE = Path.of("src/main/docker/jvm.options");

    /**
     * The options used before the image had a file of them: small heap, one GC thread, C1 only (2 cores for nine JVMs
     * and the harness).
     */
    static final List<String> FALLBACK_JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k");

    /** Baton's AppCDS archive, next to the benchmark's jar when its build made one. */
    static final String CDS_ARCHIVE = "app-cds.jsa";

    /** From system properties {@code bench.*}, with the documented full run's values as defaults. */
    static BenchSettings fromSystemProperties() {
        return fromSystemProperties(5, 30);
    }

    /**
     * From system properties {@code bench.*}; cycles and steady window default as given, GRACEFUL to at least 3
     * cycles and START to 2 samples (the CI run; {@code -Pbench} sets 20 and 5).
     */
    static BenchSettings fromSystemProperties(int cycles, int steadySeconds) {
        int c = Integer.getInteger("bench.cycles", cycles);
        // The benchmark's build of the application: the product plus BenchJob (see pom.xml).
        Path jar = Path.of(System.getProperty("bench.jar", "target/bench-app/quarkus-app/quarkus-run.jar"));
        Path optionsFile = Path.of(System.getProperty("bench.jvm-options-file", JVM_OPTIONS_FILE.toString()));
        // The image's archive path means nothing here: Baton gets the bench build's own archive (batonCds).
        List<String> options = (Files.exists(optionsFile) ? readJvmOptions(optionsFile) : FALLBACK_JVM_OPTIONS).stream()
                .filter(o -> !o.startsWith("-XX:SharedArchiveFile") && !o.startsWith("-XX:ArchiveClassesAtExit"))
                .toList();
        Path cds = jar.toAbsolutePath().getParent().resolve(CDS_ARCHIVE);
        return new BenchSettings(
                jar,
                System.getProperty("bench.classpath", System.getProperty("java.class.path")),
                Path.of(System.getProperty("bench.out", "target/bench")),
                Integer.getInteger("bench.replicas", 3),
                c,
                Integer.getInteger("bench.graceful-cycles", Math.max(c, 3)),
                Integer.getInteger("bench.start-samples", 2),
                Duration.ofSeconds(Integer.getInteger("bench.lease-seconds", 4)),
                Duration.ofMillis(Integer.getInteger("bench.renew-ms", 3000)),
                Duration.ofMillis(Integer.getInteger("bench.retry-ms", 1000)),
                Duration.ofMillis(Integer.getInteger("bench.work-ms", 100)),
                Duration.ofSeconds(Integer.getInteger("bench.steady-seconds", steadySeconds)),
                Duration.ofSeconds(Integer.getInteger("bench.naive-seconds", 10)),
                Arrays.stream(System.getProperty("bench.scenarios", "START,GRACEFUL,CRASH,FREEZE,CUT,SKEW,ROLL").split(","))
                        .map(String::trim).map(Scenario::valueOf).toList(),
                options,
                Files.exists(optionsFile) ? optionsFile.toString() : "no " + optionsFile + ": the fallback list",
                Files.exists(cds) ? List.of("-XX:SharedArchiveFile=" + cds) : List.of());
    }

    /** The same settings on another build of the application ({@code jar}), with that build's AppCDS archive if any. */
    BenchSettings withJar(Path otherJar) {
        Path cds = otherJar.toAbsolutePath().getParent().resolve(CDS_ARCHIVE);
        return new BenchSettings(otherJar, classpath, out, replicas, cycles, gracefulCycles, startSamples,
                leaseDuration, renewDeadline, retryPeriod, work, steady, naiveFor, scenarios, jvmOptions,
                jvmOptionsSource, Files.exists(cds) ? List.of("-XX:SharedArchiveFile=" + cds) : List.of());
    }

    /** One option per line; blank lines and {@code #} comments (whole line or trailing) are left out. */
    static List<String> readJvmOptions(Path file) {
        try {
            List<String> options = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                int hash = line.indexOf('#');
                String option = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (!option.isEmpty()) {
                    options.add(option);
                }
            }
            return options;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the JVM options in " + file, e);
        }
    }

    /** How many times {@code scenario} runs per group. */
    int cyclesOf(Scenario scenario) {
        return scenario == Scenario.GRACEFUL ? gracefulCycles : cycles;
    }
}
