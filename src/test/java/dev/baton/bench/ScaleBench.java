package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

/**
 * The SCALE benchmark: for each number of job Leases, Baton's replicas and then fabric8's (one elector per Lease),
 * each on fresh processes and a fresh test API server; then {@code target/bench/scale.md} and {@code scale.png}.
 * Settings from {@code bench.scale-*} system properties ({@link ScaleSettings}).
 */
public final class ScaleBench {

    private static final Logger LOG = Logger.getLogger(ScaleBench.class);

    private ScaleBench() {
    }

    /** Runs every size and kind, writes the report, and returns the results. */
    static List<ScaleGroup.Result> run(ScaleSettings settings) throws IOException {
        if (settings.kinds().contains(ScaleGroup.Kind.BATON) && !Files.exists(settings.base().jar())) {
            throw new IllegalStateException(settings.base().jar() + " is missing: it is built before the integration "
                    + "tests (./mvnw verify)");
        }
        Files.createDirectories(settings.out());
        long t0 = System.currentTimeMillis();
        List<ScaleGroup.Result> results = new ArrayList<>();
        for (int size : settings.sizes()) {
            for (ScaleGroup.Kind kind : settings.kinds()) {
                LOG.infof("SCALE: %s, %d job Leases", kind.title, size);
                ScaleGroup group = new ScaleGroup(kind, settings, size);
                ScaleGroup.Result result;
                try {
                    result = group.run();
                } finally {
                    group.close();
                    Replica.killAll();
                }
                results.add(group.withSafety(result));
            }
        }
        long tookMs = System.currentTimeMillis() - t0;
        Files.writeString(settings.out().resolve("scale.md"), ScaleReport.markdown(settings, results, tookMs));
        ScalePlot.write(results, settings.out().resolve("scale.png"));
        return results;
    }

    public static void main(String[] args) throws IOException {
        ScaleSettings settings = ScaleSettings.fromSystemProperties("1,50,200", 60, 6);
        run(settings);
        System.out.println(Files.readString(settings.out().resolve("scale.md")));
        // Client and server threads of the harness are not all daemons.
        System.exit(0);
    }
}
