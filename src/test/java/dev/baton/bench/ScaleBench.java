package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

/**
 * The SCALE benchmark: for each number of job Leases, Baton's replicas and then fabric8's (one elector per Lease),
 * each on fresh processes and a fresh test API server; then {@code target/bench/scale.md} and {@code scale.png}.
 * Settings from {@code bench.scale-*} system properties ({@link ScaleSettings}). Then its API cost part (issue 19,
 * {@link ApiCostGroup}): {@code bench.api-sizes} numbers of singleton jobs spread over the replicas.
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

    /** {@link #run}, or when no size is asked for, a {@code scale.md} that says the SCALE part was skipped. */
    static List<ScaleGroup.Result> skipOrRun(ScaleSettings settings) throws IOException {
        if (!settings.sizes().isEmpty()) {
            return run(settings);
        }
        Files.createDirectories(settings.out());
        Files.writeString(settings.out().resolve("scale.md"), "# SCALE\n\nThe job Leases part was skipped "
                + "(bench.scale-sizes empty).\n");
        return List.of();
    }

    /**
     * The API cost part: every number of jobs and kind, each on fresh processes and a fresh test API server; its
     * section is appended to {@code scale.md} (written by {@link #run} first), its plot is {@code api-cost.png}.
     */
    static List<ApiCostGroup.Result> runApiCost(ApiCostSettings settings) throws IOException {
        ScaleSettings scale = settings.scale();
        Files.createDirectories(scale.out());
        long t0 = System.currentTimeMillis();
        List<ApiCostGroup.Result> results = new ArrayList<>();
        for (int jobs : settings.sizes()) {
            for (ScaleGroup.Kind kind : scale.kinds()) {
                LOG.infof("API cost: %s, %d jobs", kind.title, jobs);
                ApiCostGroup group = new ApiCostGroup(kind, scale, jobs);
                ApiCostGroup.Result result;
                try {
                    result = group.run();
                } finally {
                    group.close();
                    Replica.killAll();
                }
                results.add(group.withSafety(result));
            }
        }
        String md = ApiCostReport.markdown(settings, results, System.currentTimeMillis() - t0);
        Path report = scale.out().resolve("scale.md");
        Files.writeString(report, (Files.exists(report) ? Files.readString(report) : "") + md);
        ApiCostPlot.write(results, settings.sizes(), scale.out().resolve("api-cost.png"));
        return results;
    }

    public static void main(String[] args) throws IOException {
        ScaleSettings settings = ScaleSettings.fromSystemProperties("1,50,200", 60, 6);
        skipOrRun(settings);
        runApiCost(ApiCostSettings.fromSystemProperties(settings, "1,10,50,200,1000"));
        System.out.println(Files.readString(settings.out().resolve("scale.md")));
        // Client and server threads of the harness are not all daemons.
        System.exit(0);
    }
}
