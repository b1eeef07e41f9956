package dev.baton.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import dev.baton.clock.ClockEstimate;
import dev.baton.clock.ClusterClock;
import dev.baton.clock.DateStampingApiServer;
import dev.baton.clock.Ticker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * Not a test: measures the precision the estimator reaches against the test API server on loopback, through the
 * real path (fabric8 client, the interceptor, this machine's clocks), and prints a table (also written to
 * {@code target/clock-precision.md}). Both sides read this machine's clock, so the true offset is 0.
 * <p>
 * Answers come after random pauses of 0 to 1 s, so they land at random points of the second, as the elector's do
 * over time; {@code -Dclock.pace=elector} paces them as a leader renews with the default retry period instead (2 s
 * plus up to 20% jitter). Run it with {@code ./mvnw -B -q test -Dtest=ClockPrecisionMeasurement
 * -Dclock.precision=true [-Dclock.runs=5 -Dclock.answers=100 -Dclock.pace=elector]}.
 */
class ClockPrecisionMeasurement {

    static final int[] REPORT_AT = { 1, 2, 3, 5, 10, 20, 30, 50, 100, 200 };

    @Test
    void measure() throws Exception {
        assumeTrue(Boolean.getBoolean("clock.precision"), "set -Dclock.precision=true to measure");
        int runs = Integer.getInteger("clock.runs", 5);
        int answers = Integer.getInteger("clock.answers", 100);
        boolean electorPace = "elector".equals(System.getProperty("clock.pace"));
        int[] points = Arrays.stream(REPORT_AT).filter(n -> n <= answers).toArray();
        double[][] uncertainty = new double[points.length][runs];
        double[][] error = new double[points.length][runs];
        int outside = 0;
        List<Double> roundTrips = new ArrayList<>();

        KubernetesMockServer server = DateStampingApiServer.start(Duration.ZERO);
        try {
            for (int run = 0; run < runs; run++) {
                ClusterClock clock = new ClusterClock(false, Duration.ofSeconds(2), Clock.systemUTC(), Ticker.SYSTEM);
                try (KubernetesClient client = server.createClient(b -> b.withHttpClientBuilderConsumer(
                        http -> http.addOrReplaceInterceptor("baton-cluster-clock", clock.interceptor())))) {
                    int p = 0;
                    for (int n = 1; n <= answers; n++) {
                        Thread.sleep(electorPace ? 2000 + ThreadLocalRandom.current().nextLong(400)
                                : ThreadLocalRandom.current().nextLong(1000));
                        long t0 = System.nanoTime();
                        client.leases().inNamespace("test").withName("precision").get();
                        roundTrips.add((System.nanoTime() - t0) / 1e6);
                        ClockEstimate e = clock.current();
                        double off = ClockEstimate.seconds(e.offset());
                        double unc = ClockEstimate.seconds(e.uncertainty());
                        if (Math.abs(off) > unc) {
                            outside++;
                        }
                        if (p < points.length && n == points[p]) {
                            uncertainty[p][run] = unc;
                            error[p][run] = Math.abs(off);
                            p++;
                        }
                    }
                }
            }
        } finally {
            server.destroy();
        }

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Clock offset precision on loopback: %d runs of %d answers %s, true"
                + " offset 0 (both sides read this machine's clock); round trip median %.2f ms, max %.2f ms;"
                + " estimates whose interval missed 0: %d of %d%n%n", runs, answers,
                electorPace ? "paced as a renewing leader (2-2.4 s)" : "after random pauses (0-1 s)",
                median(roundTrips), max(roundTrips), outside, runs * answers));
        out.append("| answers | uncertainty ± (median) | uncertainty ± (worst) | abs(estimate - 0) (median)"
                + " | (worst) |\n");
        out.append("|---:|---:|---:|---:|---:|\n");
        for (int p = 0; p < points.length; p++) {
            out.append(String.format(Locale.ROOT, "| %d | %.3f s | %.3f s | %.3f s | %.3f s |%n", points[p],
                    median(uncertainty[p]), max(uncertainty[p]), median(error[p]), max(error[p])));
        }
        System.out.println(out);
        write(out.toString());
    }

    private static void write(String text) throws IOException {
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("clock-precision.md"), text, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
