package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import dev.baton.bench.BenchResult.GroupResult;
import dev.baton.bench.BenchResult.Safety;
import dev.baton.bench.BenchResult.ScenarioResult;

/** The benchmark report: {@code report.md} and {@code gap.png} in the output directory. */
final class Report {

    private static final String NOTES = """

            ## How to read it

            - **Leaderless gap**: from the moment the old leader stopped leading (graceful: its own record of the end
              of its term; crash, freeze, cut: the signal or the cut) to the first Lease version held by another
              replica, as seen by the harness's own watch on the API server. All processes share one clock.
            - **Missed slot**: a second no write was accepted for. **Catch-up run**: Baton's `RUN_LATEST` filling the
              most recent missed slot when a term begins (fabric8 has no such notion). A slot counts as a
              **duplicate** when two runs reached the sink for it. **Overlapping runs** are pairs of runs on two
              replicas whose start..end intervals intersect: a run frozen mid-way spans the whole freeze, so it
              overlaps the new leader's runs even when it then fenced itself (its term check refused the write).
            - **Stale-epoch write accepted**: the sink accepted a write whose epoch was older than a term that had
              already begun (Lease watch or the new leader's record), because the new leader had not written yet.
            - Steady-state requests are counted in each replica's proxy (HTTP/1.1 request lines; a watch is one
              request). Baton's leader also writes each singleton run's record into the Lease (a started and a
              finished record per run, here every second); those versions carry no new renewTime and are counted
              apart from renewals.
            - Memory: Baton replicas are the full Quarkus service (HTTP, health, metrics, scheduler); the fabric8
              replicas are a plain JVM with the client and the elector only. In the steady-state table, start to
              first leadership is one sample per group, with the three replicas starting at once on a shared 2-core
              machine; the START part (goals 1 and 2) starts one process at a time instead.
            - **SIGTERM to a new holder** (goal 3): from the signal to the first Lease version held by another
              replica (the harness's watch): the old leader's stop up to its release, plus the leaderless gap.
            """;

    private Report() {
    }

    static void write(BenchSettings settings, BenchResult result) throws IOException {
        Files.writeString(settings.out().resolve("report.md"), markdown(settings, result));
        GapPlot.write(result, settings.out().resolve("gap.png"));
    }

    static String markdown(BenchSettings s, BenchResult r) {
        Optional<GroupResult> baton = r.group(Group.Kind.BATON);
        Optional<GroupResult> fabric8 = r.group(Group.Kind.FABRIC8);
        StringBuilder md = new StringBuilder();
        md.append("# Baton failover benchmark\n\n");
        md.append(String.format(Locale.ROOT, "Run %s on %d cores. %d replicas per group as real processes on one "
                + "shared Kubernetes test API server (127.0.0.1). Same timings for Baton and fabric8: lease %ds, "
                + "renew deadline %d ms, retry period %d ms; releaseOnCancel for fabric8, release on shutdown for "
                + "Baton. Job: cron every second, %d ms of work, then a write through the fenced sink carrying the "
                + "term's epoch. Each scenario %d time(s) per group; steady window %ds. Times in ms.%n%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), s.replicas(),
                s.leaseDuration().toSeconds(), s.renewDeadline().toMillis(), s.retryPeriod().toMillis(),
                s.work().toMillis(), s.cycles(), s.steady().toSeconds()));
        if (s.gracefulCycles() != s.cycles()) {
            md.append(String.format(Locale.ROOT, "GRACEFUL %d time(s) per group.%n%n", s.gracefulCycles()));
        }
        Goals.table(md, s, r);
        if (r.start() != null) {
            Goals.start(md, s, r.start());
        }
        md.append("\n## Per scenario\n\n");
        md.append("| scenario | measure | Baton | fabric8 LeaderElector | fabric8 / Baton |\n|---|---|---|---|---|\n");
        for (Scenario sc : Scenario.values()) {
            if (!sc.disruption()) {
                continue;
            }
            Optional<ScenarioResult> b = baton.map(g -> g.scenarios().get(sc));
            Optional<ScenarioResult> f = fabric8.map(g -> g.scenarios().get(sc));
            if (b.isEmpty() && f.isEmpty()) {
                continue;
            }
            String name = "**" + sc.title + "**";
            row(md, name, "leaderless gap p50 / p95 / max", b.map(x -> stats(x.gap())), f.map(x -> stats(x.gap())),
                    ratio(b.map(x -> (double) x.gap().p50()), f.map(x -> (double) x.gap().p50())));
            if (sc == Scenario.GRACEFUL) {
                row(md, "", "SIGTERM to new holder p50 / p95 / max (includes the old leader's shutdown)",
                        b.map(x -> stats(x.sinceDisruption())), f.map(x -> stats(x.sinceDisruption())),
                        ratio(b.map(x -> (double) x.sinceDisruption().p50()),
                                f.map(x -> (double) x.sinceDisruption().p50())));
            }
            if (sc == Scenario.CRASH) {
                row(md, "", "old leader's last renewal to new term p50 / max", b.map(x -> x.sinceRenewal().p50()
                        + " / " + x.sinceRenewal().max()), f.map(x -> x.sinceRenewal().p50() + " / "
                        + x.sinceRenewal().max()), "");
            }
            row(md, "", "handovers (no takeover within bound)", b.map(x -> x.gap().n() + " (" + x.noTakeover() + ")"),
                    f.map(x -> x.gap().n() + " (" + x.noTakeover() + ")"), "");
            safetyRows(md, b.map(ScenarioResult::safety), f.map(ScenarioResult::safety), b.map(x -> x.gap().n()),
                    f.map(x -> x.gap().n()));
        }
        if (r.roll() != null) {
            r.roll().rows(md);
        }
        baton.ifPresent(b -> skew(md, b));
        if (r.roll() != null) {
            r.roll().section(md);
        }
        md.append("\n## Whole run, per group\n\n");
        md.append("| measure | Baton | fabric8 LeaderElector | fabric8 / Baton |\n|---|---|---|---|\n");
        Optional<Safety> bt = baton.map(GroupResult::total);
        Optional<Safety> ft = fabric8.map(GroupResult::total);
        row4(md, "slots", bt.map(x -> "" + x.slots()), ft.map(x -> "" + x.slots()), "");
        row4(md, "duplicate slots (must be 0)", bt.map(x -> "" + x.duplicateSlots()),
                ft.map(x -> "" + x.duplicateSlots()), "");
        row4(md, "stale-epoch writes accepted (must be 0)", bt.map(x -> "" + x.staleAccepted()),
                ft.map(x -> "" + x.staleAccepted()), "");
        row4(md, "overlapping runs (wall clock)", bt.map(x -> "" + x.overlaps()), ft.map(x -> "" + x.overlaps()), "");
        row4(md, "missed slots", bt.map(x -> "" + x.missedSlots()), ft.map(x -> "" + x.missedSlots()),
                ratio(bt.map(x -> (double) x.missedSlots()), ft.map(x -> (double) x.missedSlots())));
        md.append("\n## Steady state (no disruption)\n\n");
        md.append("| measure | Baton | fabric8 LeaderElector | fabric8 / Baton |\n|---|---|---|---|\n");
        Optional<BenchResult.Steady> bs = baton.map(GroupResult::steady);
        Optional<BenchResult.Steady> fs = fabric8.map(GroupResult::steady);
        steadyRow(md, "leader: API requests / min", bs, fs, BenchResult.Steady::leaderRequestsPerMin);
        steadyRow(md, "leader: writes (PUT/PATCH/POST) / min", bs, fs, BenchResult.Steady::leaderWritesPerMin);
        steadyRow(md, "leader: renewals / min (Lease versions with a new renewTime, seen by a watch)", bs, fs,
                BenchResult.Steady::renewalsPerMin);
        steadyRow(md, "leader: job-record writes / min (Lease versions without a new renewTime)", bs, fs,
                BenchResult.Steady::recordWritesPerMin);
        steadyRow(md, "leader: election writes per renewal", bs, fs, BenchResult.Steady::writesPerRenewal);
        steadyRow(md, "standby: API requests / min (mean)", bs, fs, BenchResult.Steady::standbyRequestsPerMin);
        steadyRow(md, "standby: writes / min (mean)", bs, fs, BenchResult.Steady::standbyWritesPerMin);
        steadyRow(md, "process start to first leadership (ms)", bs, fs, x -> (double) x.firstLeadershipMs());
        steadyRow(md, "RSS per replica, mean (MB)", bs, fs, x -> x.rssKbMean() / 1024.0);
        steadyRow(md, "RSS per replica, max (MB)", bs, fs, x -> x.rssKbMax() / 1024.0);
        r.group(Group.Kind.NAIVE).ifPresent(n -> {
            Safety t = n.total();
            md.append("\n## Naive baseline: plain @Scheduled on ").append(s.replicas()).append(" replicas\n\n");
            md.append("| slots | duplicate slots | runs per slot | overlapping runs |\n|---|---|---|---|\n");
            md.append(String.format(Locale.ROOT, "| %d | %d | %s | %d |%n", t.slots(), t.duplicateSlots(),
                    t.slots() == 0 ? "-" : fmt(n.runsPerSlot()), t.overlaps()));
        });
        md.append("\n## Targets\n\n");
        targets(md, s, baton);
        md.append(NOTES);
        md.append("\n![leaderless gap per scenario](gap.png)\n");
        return md.toString();
    }

    /** The SKEW scenario's handovers, one row each. */
    private static void skew(StringBuilder md, GroupResult b) {
        if (b.skewNotRun() != null) {
            md.append("\n## SKEW: not run\n\n").append(b.skewNotRun()).append("\n");
            return;
        }
        if (b.skew().isEmpty()) {
            return;
        }
        md.append("\n## SKEW: a replica's wall clock moved back (libfaketime), Baton\n\n");
        md.append("Each cycle: the job ran on true clocks for longer than the lag; a standby restarted with "
                + "`FAKETIME` (its monotonic clock untouched) measured its offset from the API server's `Date` "
                + "headers. Good replica running `no`: it alone was left to take over from the leader (graceful "
                + "stop), led for a lease duration + 2 s, and was stopped in turn. `yes`: the other standbys stayed "
                + "up when the leader stopped, so a replica with a good clock could lead (the lagging one holds back "
                + "while its clock is refused; if it took over anyway it was stopped in turn). Job's pause: from the "
                + "last write the sink accepted before the disruption to the first one after it. First run: from the "
                + "new term to its first accepted write.\n\n");
        md.append("| cycle | good replica running | handover (clock offset) | offset it measured "
                + "| leaderless gap (ms) | job's pause (s) | first run in the new term (ms) "
                + "| runs by the lagging replica | duplicate slots |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (BenchResult.SkewRow row : b.skew()) {
            Group.Skewed sk = row.skewed();
            Handover h = sk.handover();
            md.append(String.format(Locale.ROOT,
                    "| %d | %s | %s (%+d s) → %s (%+d s) | %s | %s | %s | %s | %d | %d |%n",
                    h.cycle(), sk.goodRunning() ? "yes" : "no", h.oldLeader(), sk.fromOffsetSeconds(), h.newLeader(),
                    sk.toOffsetSeconds(),
                    sk.measured(), h.tookOver() ? Long.toString(h.gapMs()) : "no takeover",
                    row.jobPauseMs() < 0 ? "-" : fmt(row.jobPauseMs() / 1000.0),
                    row.firstRunMs() < 0 ? "none while it led" : Long.toString(row.firstRunMs()),
                    row.runsByLagging(), row.duplicateSlots()));
        }
    }

    private static void targets(StringBuilder md, BenchSettings s, Optional<GroupResult> baton) {
        if (baton.isEmpty()) {
            return;
        }
        GroupResult b = baton.get();
        long yesPause = b.skew().stream().filter(row -> row.skewed().goodRunning())
                .mapToLong(BenchResult.SkewRow::jobPauseMs).max().orElse(-1);
        if (b.skew().stream().anyMatch(row -> row.skewed().goodRunning())) {
            long bound = s.leaseDuration().toMillis() + 2000;
            md.append(String.format(Locale.ROOT, "- SKEW with a replica with a good clock running: the job's longest "
                    + "pause at most lease + 2 s = %d ms: **%s** (%d ms)%n", bound,
                    yesPause >= 0 && yesPause <= bound ? "met" : "MISSED", yesPause));
        }
        ScenarioResult g = b.scenarios().get(Scenario.GRACEFUL);
        if (g != null) {
            long p50 = g.sinceDisruption().p50();
            boolean met = p50 >= 0 && p50 < Goals.HANDOVER_GOAL_MS && g.safety().missedSlots() == 0;
            md.append(String.format(Locale.ROOT, "- Graceful handover, SIGTERM to a new holder p50 < %d ms and no "
                    + "missed slot: **%s** (p50 %d ms, %d missed slots in %d handovers)%n", Goals.HANDOVER_GOAL_MS,
                    met ? "met" : "MISSED", p50, g.safety().missedSlots(), g.gap().n()));
        }
        ScenarioResult c = b.scenarios().get(Scenario.CRASH);
        if (c != null) {
            long bound = s.leaseDuration().toMillis() + 500;
            md.append(String.format(Locale.ROOT, "- Crash: new term at most lease + 500 ms = %d ms after the dead "
                    + "leader's last renewal: **%s** (max %d ms)%n", bound,
                    c.sinceRenewal().max() <= bound ? "met" : "MISSED", c.sinceRenewal().max()));
        }
        BenchResult.Steady st = b.steady();
        if (st != null) {
            md.append(String.format(Locale.ROOT, "- Standby API requests in steady state: %s / min (watch, no "
                    + "polling); leader election writes per renewal: %s (target <= 1): **%s**%n",
                    fmt(st.standbyRequestsPerMin()), fmt(st.writesPerRenewal()),
                    st.renewalsPerMin() > 0 && st.writesPerRenewal() <= 1.05 && st.standbyRequestsPerMin() < 6
                            ? "met" : "MISSED"));
        }
        md.append(String.format(Locale.ROOT, "- Zero duplicate slots and zero stale-epoch writes accepted: **%s** "
                + "(%d duplicate, %d stale)%n",
                b.total().duplicateSlots() == 0 && b.total().staleAccepted() == 0 ? "met" : "MISSED",
                b.total().duplicateSlots(), b.total().staleAccepted()));
    }

    private static void safetyRows(StringBuilder md, Optional<Safety> b, Optional<Safety> f, Optional<Integer> bn,
            Optional<Integer> fn) {
        row(md, "", "missed slots (per handover)", b.map(x -> x.missedSlots() + " (" + perHandover(x.missedSlots(), bn)
                + ")"), f.map(x -> x.missedSlots() + " (" + perHandover(x.missedSlots(), fn) + ")"),
                ratio(b.map(x -> (double) x.missedSlots()), f.map(x -> (double) x.missedSlots())));
        row(md, "", "catch-up runs", b.map(x -> "" + x.catchUpRuns()), f.map(x -> "" + x.catchUpRuns()), "");
        row(md, "", "duplicate slots (must be 0)", b.map(x -> "" + x.duplicateSlots()),
                f.map(x -> "" + x.duplicateSlots()), "");
        row(md, "", "overlapping runs", b.map(x -> "" + x.overlaps()), f.map(x -> "" + x.overlaps()), "");
        row(md, "", "stale-epoch writes accepted (must be 0)", b.map(x -> "" + x.staleAccepted()),
                f.map(x -> "" + x.staleAccepted()), "");
        row(md, "", "writes refused by the fence / runs that fenced themselves",
                b.map(x -> x.rejected() + " / " + x.fenced()), f.map(x -> x.rejected() + " / " + x.fenced()), "");
    }

    private static String perHandover(int n, Optional<Integer> handovers) {
        return handovers.filter(h -> h > 0).map(h -> fmt((double) n / h)).orElse("-");
    }

    private static void steadyRow(StringBuilder md, String name, Optional<BenchResult.Steady> b,
            Optional<BenchResult.Steady> f, Function<BenchResult.Steady, Double> value) {
        Optional<Double> bv = b.map(value);
        Optional<Double> fv = f.map(value);
        row4(md, name, bv.map(Report::fmt), fv.map(Report::fmt), ratio(bv, fv));
    }

    private static void row(StringBuilder md, String scenario, String measure, Optional<String> b, Optional<String> f,
            String ratio) {
        md.append("| ").append(scenario).append(" | ").append(measure).append(" | ").append(b.orElse("-"))
                .append(" | ").append(f.orElse("-")).append(" | ").append(ratio).append(" |\n");
    }

    private static void row4(StringBuilder md, String measure, Optional<String> b, Optional<String> f, String ratio) {
        md.append("| ").append(measure).append(" | ").append(b.orElse("-")).append(" | ").append(f.orElse("-"))
                .append(" | ").append(ratio).append(" |\n");
    }

    private static String stats(Stats st) {
        return st.n() == 0 ? "-" : st.p50() + " / " + st.p95() + " / " + st.max();
    }

    private static String ratio(Optional<Double> baton, Optional<Double> fabric8) {
        if (baton.isEmpty() || fabric8.isEmpty() || fabric8.get() < 0 || baton.get() < 0) {
            return "";
        }
        if (baton.get() == 0) {
            return fabric8.get() == 0 ? "=" : "∞";
        }
        return fmt(fabric8.get() / baton.get()) + "×";
    }

    static String fmt(double v) {
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }
}
