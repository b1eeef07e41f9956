package dev.baton.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The SCALE part's API cost section (appended to {@code target/bench/scale.md}): one column per number of jobs, one
 * row per measure, the row names exactly as issue 19 gives them (its checks read them by name); Baton's table, then
 * fabric8's (one elector per job Lease), then the churn times.
 */
final class ApiCostReport {

    /** A row of the table: its exact name, its goal, and how a result gives its cell. */
    enum Row {
        RENEWED_SIZE("renewed Lease size (bytes)", "≤ 1024 at every count",
                r -> Integer.toString(r.renewedLeaseBytes())),
        WRITES("writes / min, all replicas", "≤ 120 at 200 jobs", r -> Report.fmt(r.writesPerMin())),
        BYTES("bytes written / min, all replicas", "at 200 jobs ≤ 10× the 1-job figure",
                r -> Report.fmt(r.bytesPerMin())),
        STANDBY_CPU("idle standby CPU (% of one core)", "< 1 at 200 jobs",
                r -> ScaleReport.Spread.of(r.standbyCpu()).text()
                        + (r.standbyJobs() > 0 ? " (holding " + r.standbyJobs() + " jobs)" : "")),
        SHARE("largest share of jobs on one replica (%)", "≤ 40 at 200 jobs over 3 replicas",
                r -> Report.fmt(r.largestSharePercent()));

        final String title;
        final String goal;
        final Function<ApiCostGroup.Result, String> cell;

        Row(String title, String goal, Function<ApiCostGroup.Result, String> cell) {
            this.title = title;
            this.goal = goal;
            this.cell = cell;
        }
    }

    private ApiCostReport() {
    }

    static String markdown(ApiCostSettings s, List<ApiCostGroup.Result> results, long tookMs) {
        ScaleSettings sc = s.scale();
        StringBuilder md = new StringBuilder();
        md.append("\n## API cost: requests and bytes against the number of jobs\n\n");
        md.append(String.format(Locale.ROOT, "Per column: that many spread singleton jobs, each with a record and a "
                + "full history of %d entries already on its shard's record and history Leases, firing every minute (`%s`), "
                + "spread over %d replicas "
                + "started together on a fresh test API server; lease %d s, renew deadline %d s, retry period %d s "
                + "(the product's). Steady window %d s after every job had a holder (Baton's: %d s, after %d s more, "
                + "so that it holds one write of each history Lease in steady state). Writes and bytes: PUT, PATCH "
                + "and POST requests and the sum of their bodies as the replicas' loopback proxies passed them to "
                + "the API server. Renewed Lease: the largest elected Lease (as compact JSON; record Leases are not "
                + "renewed) among those written at least once per 20 s in the window. Idle standby: a fourth replica joining after the window, "
                + "its CPU over %d sub-windows of %d s (utime+stime), median (min–max). Largest share: the most jobs "
                + "one replica held at the window's end. fabric8: one `LeaderElector` per job Lease and one on the "
                + "service Lease per replica, no jobs. The API cost part took %.1f min.%n%n",
                ApiCostSeed.HISTORY, ApiCostSettings.CRON, sc.replicas(), sc.leaseDuration().toSeconds(),
                sc.renewDeadline().toSeconds(), sc.retryPeriod().toSeconds(), sc.window().toSeconds(),
                ApiCostGroup.window(sc, ScaleGroup.Kind.BATON).toSeconds(),
                ApiCostGroup.warmUp(ScaleGroup.Kind.BATON).toSeconds(), sc.samples(),
                sc.subWindow().toSeconds(), tookMs / 60000.0));
        for (ScaleGroup.Kind kind : List.of(ScaleGroup.Kind.BATON, ScaleGroup.Kind.FABRIC8)) {
            if (results.stream().noneMatch(r -> r.kind() == kind)) {
                continue;
            }
            md.append("### ").append(kind == ScaleGroup.Kind.BATON ? "API cost, Baton" : "API cost, " + kind.title)
                    .append("\n\n| row |");
            s.sizes().forEach(n -> md.append(' ').append(n).append(n == 1 ? " job |" : " jobs |"));
            md.append(" goal |\n|---|");
            s.sizes().forEach(n -> md.append("---|"));
            md.append("---|\n");
            for (Row row : Row.values()) {
                md.append("| `").append(row.title).append("` |");
                for (int n : s.sizes()) {
                    md.append(' ').append(find(results, kind, n).map(row.cell).orElse("-")).append(" |");
                }
                md.append(' ').append(kind == ScaleGroup.Kind.BATON ? row.goal : "").append(" |\n");
            }
            md.append('\n');
        }
        md.append("### API cost: holders after a replica joins or leaves, Baton\n\n");
        md.append("Milliseconds from the event to every job held by a live replica, and to even shares (no replica "
                + "holding more than a fifth above an equal share, or the equal share rounded up if that is more), and "
                + "the shares then; "
                + "`-` when not within the bound (lease duration + 30 s).\n\n");
        md.append("| jobs | event | all held (ms) | even (ms) | jobs per replica |\n|---|---|---|---|---|\n");
        for (ApiCostGroup.Result r : results) {
            if (r.kind() != ScaleGroup.Kind.BATON) {
                continue;
            }
            for (ApiCostGroup.Churn c : r.churn()) {
                md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", r.jobs(), c.event(),
                        ms(c.allHeldMs()), ms(c.evenMs()), c.jobsPerReplica().entrySet().stream()
                                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "))));
            }
        }
        md.append("\n| kind | jobs | every job held after start (ms) | shares at the window's end | largest renewed "
                + "Lease | takeovers that could let two act (must be 0) |\n|---|---|---|---|---|---|\n");
        for (ApiCostGroup.Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %d%s |%n", r.kind().title, r.jobs(),
                    ms(r.allHeldMs()), r.jobsPerReplica(), r.renewedLease(), r.unsafe().size(),
                    r.unsafe().isEmpty() ? "" : " " + r.unsafe().subList(0, Math.min(3, r.unsafe().size()))));
        }
        md.append("\n![API cost rows against the number of jobs](api-cost.png)\n");
        return md.toString();
    }

    private static String ms(long ms) {
        return ms < 0 ? "-" : Long.toString(ms);
    }

    static Optional<ApiCostGroup.Result> find(List<ApiCostGroup.Result> results, ScaleGroup.Kind kind, int jobs) {
        return results.stream().filter(r -> r.kind() == kind && r.jobs() == jobs).findFirst();
    }
}
