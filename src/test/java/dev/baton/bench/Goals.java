package dev.baton.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToLongFunction;

import dev.baton.bench.BenchResult.GroupResult;
import dev.baton.bench.BenchResult.ScenarioResult;

/**
 * The report's first part: the goals of issue 11, each a figure beside fabric8's from the same run, met or missed (by
 * how much, and why), then the START part's samples. Goal 4 (scale) is measured apart and written to
 * {@code scale.md}.
 */
final class Goals {

    /** Goal 3: SIGTERM to a new holder, p50. */
    static final long HANDOVER_GOAL_MS = 100;
    /** Goal 3: the handovers it takes to say "0 missed slots". */
    static final int HANDOVERS_GOAL = 20;

    private Goals() {
    }

    static void table(StringBuilder md, BenchSettings s, BenchResult r) {
        Optional<StartBench.Result> start = Optional.ofNullable(r.start());
        Optional<GroupResult> baton = r.group(Group.Kind.BATON);
        Optional<GroupResult> fabric8 = r.group(Group.Kind.FABRIC8);
        md.append("## Goals of issue 11\n\n");
        md.append("| goal | measure | Baton | fabric8 LeaderElector | fabric8 / Baton | verdict |\n"
                + "|---|---|---|---|---|---|\n");
        start.ifPresentOrElse(st -> {
            Optional<Long> b = median(st.of(Group.Kind.BATON), StartBench.Sample::leaderMs);
            Optional<Long> f = median(st.of(Group.Kind.FABRIC8), StartBench.Sample::leaderMs);
            String why = String.format(Locale.ROOT, "\"started\" %s vs %s ms, then leader after %s vs %s ms",
                    str(median(st.of(Group.Kind.BATON), StartBench.Sample::startedMs)),
                    str(median(st.of(Group.Kind.FABRIC8), StartBench.Sample::startedMs)),
                    str(median(st.of(Group.Kind.BATON), StartBench.Sample::toLeaderMs)),
                    str(median(st.of(Group.Kind.FABRIC8), StartBench.Sample::toLeaderMs)));
            row(md, "1. Start", "process start to first leadership, median of " + st.of(Group.Kind.BATON).size()
                    + " (ms)", b, f, verdict(b, f, "ms", why));
            Optional<Long> bm = median(st.of(Group.Kind.BATON), StartBench.Sample::rssKb).map(kb -> kb / 1024);
            Optional<Long> fm = median(st.of(Group.Kind.FABRIC8), StartBench.Sample::rssKb).map(kb -> kb / 1024);
            row(md, "2. Memory", "RSS after leading " + StartBench.LED_FOR.toSeconds() + " s, one process, median "
                    + "(MB)", bm, fm, verdict(bm, fm, "MB", "Baton is the full service (HTTP, health, metrics, "
                            + "scheduler); fabric8's replica is the client and the elector only"));
        }, () -> md.append("| 1. Start, 2. Memory | START not run | | | | |\n"));
        Optional<BenchResult.Steady> bs = baton.map(GroupResult::steady);
        Optional<BenchResult.Steady> fs = fabric8.map(GroupResult::steady);
        if (bs.isPresent() || fs.isPresent()) {
            row(md, "2. Memory", "RSS per replica in the steady window, mean of " + s.replicas() + " (MB)",
                    bs.map(x -> x.rssKbMean() / 1024), fs.map(x -> x.rssKbMean() / 1024),
                    verdict(bs.map(x -> x.rssKbMean() / 1024), fs.map(x -> x.rssKbMean() / 1024), "MB",
                            "three replicas of each on one machine, the leader running the job every second"));
        }
        Optional<ScenarioResult> bg = baton.map(g -> g.scenarios().get(Scenario.GRACEFUL));
        Optional<ScenarioResult> fg = fabric8.map(g -> g.scenarios().get(Scenario.GRACEFUL));
        if (bg.isPresent() || fg.isPresent()) {
            Optional<Long> b = bg.map(x -> x.sinceDisruption().p50());
            Optional<Long> f = fg.map(x -> x.sinceDisruption().p50());
            String verdict = b.map(v -> v < HANDOVER_GOAL_MS ? "**met** (< " + HANDOVER_GOAL_MS + " ms)"
                    : "**missed** by " + (v - HANDOVER_GOAL_MS + 1) + " ms: " + handoverWhy(baton.get()))
                    .orElse("-");
            row(md, "3. Graceful handover", "SIGTERM to a new holder, p50 of " + bg.map(x -> x.gap().n()).orElse(0)
                    + " (ms)", b, f, verdict);
            Optional<Long> bmiss = bg.map(x -> (long) x.safety().missedSlots());
            Optional<Long> fmiss = fg.map(x -> (long) x.safety().missedSlots());
            int n = bg.map(x -> x.gap().n()).orElse(0);
            String missed = bmiss.map(m -> m > 0 ? "**missed**: " + m + " slot(s) in " + n + " handovers"
                    : n < HANDOVERS_GOAL ? "0, but only " + n + " handovers (the goal asks " + HANDOVERS_GOAL + ")"
                    : "**met** (0 in " + n + " handovers)").orElse("-");
            md.append(String.format(Locale.ROOT,
                    "| 3. Graceful handover | missed slots, 1 s slots | %s | %s | | %s |%n",
                    bmiss.map(m -> m + " in " + n).orElse("-"),
                    fmiss.map(m -> m + " in " + fg.get().gap().n()).orElse("-"), missed));
        } else {
            md.append("| 3. Graceful handover | GRACEFUL not run | | | | |\n");
        }
        md.append("| 4. Scale | threads, watches, requests and CPU against 1, 50 and 200 Leases | see "
                + "[scale.md](scale.md) | | | |\n\n");
    }

    /** Where a slow graceful handover's time went: the old leader's stop before its term ended, then the gap. */
    private static String handoverWhy(GroupResult baton) {
        List<Handover> hs = baton.handovers().stream()
                .filter(h -> h.scenario() == Scenario.GRACEFUL && h.tookOver()).toList();
        Stats stop = Stats.of(hs.stream().map(h -> h.stoppedAt() - h.disruptedAt()).toList());
        Stats gap = Stats.of(hs.stream().map(Handover::gapMs).toList());
        return "SIGTERM to the old leader's term ending p50 " + stop.p50() + " ms, then term ending to a new holder "
                + "(release, watch event, take) p50 " + gap.p50() + " ms";
    }

    /** The START part's samples: per measure, median and range of each kind, the JDK, both command lines. */
    static void start(StringBuilder md, BenchSettings s, StartBench.Result st) {
        md.append("\n## START: one process at a time, on a Lease nobody holds\n\n");
        md.append(String.format(Locale.ROOT, "%d sample(s) of each, Baton and fabric8 alternating, nothing else "
                + "running. JDK %s. Times in ms from the process's start (the harness's clock; the processes log "
                + "with the same clock); leader: the harness's watch sees the Lease held by it. RSS read after it "
                + "has led for %d s.%n%n", s.startSamples(), st.javaVersion(), StartBench.LED_FOR.toSeconds()));
        md.append("| measure | Baton median (min–max) | fabric8 median (min–max) | fabric8 / Baton |\n"
                + "|---|---|---|---|\n");
        startRow(md, "process start to \"started\"", st, StartBench.Sample::startedMs);
        startRow(md, "\"started\" to leader", st, StartBench.Sample::toLeaderMs);
        startRow(md, "process start to leader", st, StartBench.Sample::leaderMs);
        startRow(md, "RSS (MB)", st, x -> x.rssKb() / 1024);
        md.append("\nJVM options of both (from ").append(s.jvmOptionsSource()).append("): `")
                .append(String.join(" ", s.jvmOptions())).append("`; Baton also ")
                .append(s.batonCds().isEmpty() ? "had no AppCDS archive (none next to the bench jar)"
                        : "used its AppCDS archive (`" + String.join(" ", s.batonCds()) + "`)")
                .append(".\n\n");
        st.commands().forEach((kind, cmd) -> md.append("- ").append(kind.title).append(": `")
                .append(String.join(" ", shortened(cmd))).append("`\n"));
    }

    private static void startRow(StringBuilder md, String measure, StartBench.Result st,
            ToLongFunction<StartBench.Sample> value) {
        List<StartBench.Sample> b = st.of(Group.Kind.BATON);
        List<StartBench.Sample> f = st.of(Group.Kind.FABRIC8);
        Optional<Long> bm = median(b, value);
        Optional<Long> fm = median(f, value);
        md.append("| ").append(measure).append(" | ").append(range(b, value)).append(" | ").append(range(f, value))
                .append(" | ").append(ratio(bm, fm)).append(" |\n");
    }

    private static String range(List<StartBench.Sample> samples, ToLongFunction<StartBench.Sample> value) {
        if (samples.isEmpty()) {
            return "-";
        }
        long min = samples.stream().mapToLong(value).min().orElseThrow();
        long max = samples.stream().mapToLong(value).max().orElseThrow();
        return median(samples, value).orElseThrow() + " (" + min + "–" + max + ")";
    }

    /** The test classpath of fabric8's replica is hundreds of jars: named, not listed. */
    private static List<String> shortened(List<String> cmd) {
        List<String> out = new java.util.ArrayList<>(cmd);
        for (int i = 0; i + 1 < out.size(); i++) {
            if (out.get(i).equals("-cp")) {
                out.set(i + 1, "<the test classpath: " + out.get(i + 1).split(java.io.File.pathSeparator).length
                        + " entries>");
            }
        }
        return out;
    }

    static Optional<Long> median(List<StartBench.Sample> samples, ToLongFunction<StartBench.Sample> value) {
        if (samples.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Stats.of(samples.stream().map(x -> value.applyAsLong(x)).toList()).p50());
    }

    /** Met when Baton's figure is at most fabric8's (ratio >= 1), else by how much it is missed, and why. */
    private static String verdict(Optional<Long> baton, Optional<Long> fabric8, String unit, String why) {
        if (baton.isEmpty() || fabric8.isEmpty()) {
            return "-";
        }
        long b = baton.get();
        long f = fabric8.get();
        return b <= f ? "**met** (ratio ≥ 1.0)"
                : "**missed** by " + (b - f) + " " + unit + " (" + why + ")";
    }

    private static void row(StringBuilder md, String goal, String measure, Optional<Long> b, Optional<Long> f,
            String verdict) {
        md.append("| ").append(goal).append(" | ").append(measure).append(" | ").append(str(b)).append(" | ")
                .append(str(f)).append(" | ").append(ratio(b, f)).append(" | ").append(verdict).append(" |\n");
    }

    private static String ratio(Optional<Long> b, Optional<Long> f) {
        if (b.isEmpty() || f.isEmpty() || b.get() <= 0 || f.get() < 0) {
            return "";
        }
        return Report.fmt((double) f.get() / b.get()) + "×";
    }

    private static String str(Optional<Long> v) {
        return v.map(String::valueOf).orElse("-");
    }
}
