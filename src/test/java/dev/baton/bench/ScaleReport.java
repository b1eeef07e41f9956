package dev.baton.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The SCALE benchmark's report ({@code target/bench/scale.md}): per size, Baton beside fabric8, and the goals. */
final class ScaleReport {

    /** Growth from the smallest to the largest size still called flat: a few threads of the JVM's own come and go. */
    static final int FLAT_THREADS = 10;
    static final int FLAT_WATCHES = 1;

    /** A measure of one role: median, min and max over its samples. */
    record Spread(int n, double median, double min, double max) {

        static Spread of(List<Double> values) {
            if (values.isEmpty()) {
                return new Spread(0, Double.NaN, Double.NaN, Double.NaN);
            }
            List<Double> s = values.stream().sorted().toList();
            int k = s.size();
            double median = k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
            return new Spread(k, median, s.get(0), s.get(k - 1));
        }

        String text() {
            return n == 0 ? "-" : Report.fmt(median) + " (" + Report.fmt(min) + "–" + Report.fmt(max) + ")";
        }
    }

    /** One measured quantity of a sample. */
    enum Measure {
        THREADS("threads", s -> s.threads()),
        WATCHES("open watches", s -> s.watches()),
        REQUESTS("API requests / min", ScaleGroup.Sample::requestsPerMin),
        CPU("CPU, % of one core", ScaleGroup.Sample::cpuPercent),
        RSS("RSS (MB)", s -> s.rssKb() / 1024.0);

        final String title;
        final ToDoubleFunction<ScaleGroup.Sample> value;

        Measure(String title, ToDoubleFunction<ScaleGroup.Sample> value) {
            this.title = title;
            this.value = value;
        }
    }

    private ScaleReport() {
    }

    /** The leader's samples of a measure. */
    static Spread leader(ScaleGroup.Result r, Measure m) {
        return Spread.of(r.leaderData().samples().stream().map(s -> m.value.applyAsDouble(s)).toList());
    }

    /** The idle standbys' samples of a measure, pooled (or the least busy standby's when none is idle). */
    static Spread standby(ScaleGroup.Result r, Measure m) {
        return Spread.of(idleStandbys(r).stream().flatMap(d -> d.samples().stream())
                .map(s -> m.value.applyAsDouble(s)).toList());
    }

    static List<ScaleGroup.ReplicaData> idleStandbys(ScaleGroup.Result r) {
        List<ScaleGroup.ReplicaData> idle = r.standbys().stream().filter(d -> d.held() == 0).toList();
        return idle.isEmpty() ? r.standbys().stream().limit(1).toList() : idle;
    }

    /** The leader's PUT/PATCH requests per held Lease per retry period, one value per sub-window. */
    static Spread leaderWritesPerLeasePerPeriod(ScaleSettings s, ScaleGroup.Result r) {
        ScaleGroup.ReplicaData leader = r.leaderData();
        double periods = s.subWindow().toMillis() / (double) s.retryPeriod().toMillis();
        return Spread.of(leader.samples().stream()
                .map(x -> leader.held() == 0 ? 0.0 : x.writes() / (double) leader.held() / periods).toList());
    }

    static String markdown(ScaleSettings s, List<ScaleGroup.Result> results, long tookMs) {
        StringBuilder md = new StringBuilder();
        md.append("# SCALE: many job Leases on ").append(s.replicas()).append(" replicas\n\n");
        md.append(String.format(Locale.ROOT, "Sizes %s job Leases (each plus the service Lease), Baton beside one "
                + "fabric8 `LeaderElector` per Lease in one process (client-go's model); lease %d s, renew deadline "
                + "%d s, retry period %d s for both. Per size and kind: fresh processes on a fresh test API server; "
                + "the first replica starts alone and takes every Lease, then the others start, so the leader holds "
                + "all and the standbys none. Steady window %d s in %d sub-windows of %d s: threads "
                + "(`/proc/<pid>/status`), open watches (watch connections open through the replica's proxy), API "
                + "requests (its proxy), CPU (utime+stime of `/proc/<pid>/stat`, %d ticks/s, in %% of one core), RSS; "
                + "median (min–max) over the sub-windows; standby = the idle standbys' samples pooled. After the "
                + "window the leader stops (SIGTERM) and the others must take every Lease. Baton runs two "
                + "trivial jobs (every 10 s) on `scale-0000` and `scale-0001`, so its leader also writes job records. "
                + "The whole SCALE part took %.1f min.%n%n",
                s.sizes(), s.leaseDuration().toSeconds(), s.renewDeadline().toSeconds(), s.retryPeriod().toSeconds(),
                s.window().toSeconds(), s.samples(), s.subWindow().toSeconds(), ProcStats.clockTicksPerSecond(),
                tookMs / 60000.0));
        md.append("| measure | role | job Leases | Baton | fabric8 LeaderElector per Lease | fabric8 / Baton |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (Measure m : Measure.values()) {
            for (String role : List.of("leader", "idle standby")) {
                for (int size : s.sizes()) {
                    Optional<Spread> b = find(results, ScaleGroup.Kind.BATON, size)
                            .map(r -> role.equals("leader") ? leader(r, m) : standby(r, m));
                    Optional<Spread> f = find(results, ScaleGroup.Kind.FABRIC8, size)
                            .map(r -> role.equals("leader") ? leader(r, m) : standby(r, m));
                    row(md, m.title, role, size, b, f);
                }
            }
        }
        for (int size : s.sizes()) {
            row(md, "writes (PUT/PATCH) per held Lease per retry period", "leader", size,
                    find(results, ScaleGroup.Kind.BATON, size).map(r -> leaderWritesPerLeasePerPeriod(s, r)),
                    find(results, ScaleGroup.Kind.FABRIC8, size).map(r -> leaderWritesPerLeasePerPeriod(s, r)));
        }
        md.append("\n## Who holds what, and safety\n\n");
        md.append("| kind | job Leases | Leases held at the window's end | all held after (ms) | Lease versions in the "
                + "window, leader's: renewals / other writes (job records) | takeovers that could let two act "
                + "(must be 0) | Leases never held (must be none) | after the leader's SIGTERM: all held again after "
                + "(ms), held then | Leases not held again (must be none) |\n|---|---|---|---|---|---|---|---|---|\n");
        for (ScaleGroup.Result r : results) {
            ScaleGroup.Handover h = r.handover();
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %d / %d | %d%s | %s | %s, %s | %s |%n",
                    r.kind().title,
                    r.leases(), r.replicas().stream().map(d -> d.name() + ": " + d.held())
                            .collect(Collectors.joining(", ")),
                    r.allHeldMs() < 0 ? "not within the bound" : Long.toString(r.allHeldMs()), r.renewals(),
                    r.recordWrites(), r.unsafe().size(),
                    r.unsafe().isEmpty() ? "" : " " + r.unsafe().subList(0, Math.min(3, r.unsafe().size())),
                    r.unheld().isEmpty() ? "none" : r.unheld().toString(),
                    h.allHeldMs() < 0 ? "not within the bound" : Long.toString(h.allHeldMs()),
                    h.held().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                            .collect(Collectors.joining(", ")),
                    h.unheld().isEmpty() ? "none" : h.unheld().size() + " " + h.unheld()
                            .subList(0, Math.min(3, h.unheld().size()))));
        }
        md.append("\n## Goals (issue 11, goal 4), Baton\n\n");
        goals(md, s, results);
        md.append("\n![threads, watches, requests and CPU against job Leases](scale.png)\n");
        return md.toString();
    }

    private static void goals(StringBuilder md, ScaleSettings s, List<ScaleGroup.Result> results) {
        int small = s.sizes().stream().min(Integer::compare).orElseThrow();
        int large = s.sizes().stream().max(Integer::compare).orElseThrow();
        Optional<ScaleGroup.Result> bs = find(results, ScaleGroup.Kind.BATON, small);
        Optional<ScaleGroup.Result> bl = find(results, ScaleGroup.Kind.BATON, large);
        if (bs.isEmpty() || bl.isEmpty()) {
            md.append("- Baton was not measured.\n");
            return;
        }
        List<String> growth = new ArrayList<>();
        boolean flat = true;
        for (String role : List.of("leader", "idle standby")) {
            for (Measure m : List.of(Measure.THREADS, Measure.WATCHES)) {
                double a = (role.equals("leader") ? leader(bs.get(), m) : standby(bs.get(), m)).median();
                double b = (role.equals("leader") ? leader(bl.get(), m) : standby(bl.get(), m)).median();
                double d = b - a;
                flat &= d <= (m == Measure.THREADS ? FLAT_THREADS : FLAT_WATCHES);
                growth.add(String.format(Locale.ROOT, "%s %s %s → %s (%+.0f, %s per job Lease)", role, m.title,
                        Report.fmt(a), Report.fmt(b), d, large == small ? "-" : Report.fmt(d / (large - small))));
            }
        }
        md.append(String.format(Locale.ROOT, "- Threads and watches flat in #Leases (growth from %d to %d job Leases "
                + "at most %d threads and %d watch per replica): **%s**: %s%n", small, large, FLAT_THREADS,
                FLAT_WATCHES, flat ? "met" : "MISSED", String.join("; ", growth)));
        double cpu = standby(bl.get(), Measure.CPU).median();
        double cpuMax = standby(bl.get(), Measure.CPU).max();
        md.append(String.format(Locale.ROOT, "- Idle standby CPU < 2%% of one core at %d job Leases%s: **%s** "
                + "(median %s%%, max %s%%%s)%n", large, large < 200 ? " (this run's largest size; -Pbench measures 200)"
                : "", cpu < 2 ? "met" : "MISSED", Report.fmt(cpu), Report.fmt(cpuMax),
                cpu < 2 ? "" : ", " + Report.fmt(cpu / 2) + "× the goal"));
        ScaleGroup.Result r = bl.get();
        ScaleGroup.ReplicaData leader = r.leaderData();
        int writes = leader.samples().stream().mapToInt(ScaleGroup.Sample::writes).sum();
        double periods = r.windowMs() / (double) s.retryPeriod().toMillis();
        double allowed = leader.held() * periods + r.recordWrites();
        md.append(String.format(Locale.ROOT, "- Leader writes <= 1 per held Lease per retry period + job records, at "
                + "%d job Leases: **%s** (%d PUT/PATCH in %.0f s holding %d Leases = %.1f periods × %d Leases + %d "
                + "job-record versions = %.0f allowed; %s election writes per held Lease per period)%n", large,
                writes <= allowed ? "met" : "MISSED by " + Report.fmt(writes - allowed) + " writes", writes,
                r.windowMs() / 1000.0, leader.held(), periods, leader.held(), r.recordWrites(), allowed,
                leader.held() == 0 ? "-" : Report.fmt((writes - r.recordWrites()) / periods / leader.held())));
        long unsafe = results.stream().filter(x -> x.kind() == ScaleGroup.Kind.BATON)
                .mapToLong(x -> x.unsafe().size()).sum();
        long unheld = results.stream().filter(x -> x.kind() == ScaleGroup.Kind.BATON)
                .mapToLong(x -> x.unheld().size()).sum();
        long notAgain = results.stream().filter(x -> x.kind() == ScaleGroup.Kind.BATON)
                .mapToLong(x -> x.handover().unheld().size()).sum();
        md.append(String.format(Locale.ROOT, "- Safety (the test fails otherwise): no takeover that could let two "
                + "act, every Lease held within the bound, and again after the leader's graceful stop: **%s** (%d "
                + "takeovers, %d Leases never held, %d not held again)%n",
                unsafe == 0 && unheld == 0 && notAgain == 0 ? "met" : "MISSED", unsafe, unheld, notAgain));
    }

    static Optional<ScaleGroup.Result> find(List<ScaleGroup.Result> results, ScaleGroup.Kind kind, int size) {
        return results.stream().filter(r -> r.kind() == kind && r.leases() == size).findFirst();
    }

    private static void row(StringBuilder md, String measure, String role, int size, Optional<Spread> b,
            Optional<Spread> f) {
        String ratio = "";
        if (b.isPresent() && f.isPresent() && b.get().n() > 0 && f.get().n() > 0) {
            double bm = b.get().median();
            double fm = f.get().median();
            ratio = bm == 0 ? (fm == 0 ? "=" : "∞") : Report.fmt(fm / bm) + "×";
        }
        md.append("| ").append(measure).append(" | ").append(role).append(" | ").append(size).append(" | ")
                .append(b.map(Spread::text).orElse("-")).append(" | ").append(f.map(Spread::text).orElse("-"))
                .append(" | ").append(ratio).append(" |\n");
    }
}
