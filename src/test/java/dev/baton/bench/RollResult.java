package dev.baton.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.baton.bench.RollingUpgrade.Control;
import dev.baton.bench.RollingUpgrade.Start;

/**
 * What the ROLL scenario measured ({@link RollingUpgrade}), and its rows in the report.
 *
 * @param release the previous release, how long it took to build, or why the scenario did not run
 * @param service the job on the service Lease over the whole scenario: slots, duplicates, stale writes, and the
 *        leaderless gaps of the steps whose replica led (the same analysis as every group's)
 * @param missedSlots seconds of the service Lease's job with no accepted write, not counting those in a suspension
 *        (up to a second after it ended)
 * @param own the job on its own Lease, from the values its record took
 * @param steps every step, in order
 * @param controls what became of each suspension and run request
 */
record RollResult(PreviousRelease.Release release, BenchResult.GroupResult service, int missedSlots, Own own,
        List<RollingUpgrade.Step> steps, List<ControlOutcome> controls) {

    /**
     * The job on its own Lease: {@code runs} distinct slots recorded, {@code duplicateSlots} of them recorded by two
     * runs (two replicas or two terms), {@code missedSlots} seconds between its first and last record without one.
     */
    record Own(int runs, int duplicateSlots, int missedSlots) {
    }

    /**
     * @param runsWhileSuspended runs of the service Lease's job started from a second after the suspension was
     *        written until it was removed (0: honoured)
     * @param suspensionLogged whether the leader said in its log that the job is suspended
     * @param requestRuns each run of the request, as "replica (build)", across every replica and release
     * @param requestIgnoredSaid whether any replica logged the request's annotation as ignored
     */
    record ControlOutcome(Control control, long runsWhileSuspended, boolean suspensionLogged, List<String> requestRuns,
            boolean requestIgnoredSaid) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static RollResult of(RollingUpgrade.Data d) {
        if (d.group() == null) {
            return new RollResult(d.release(), null, 0, new Own(0, 0, 0), List.of(), List.of());
        }
        BenchResult.GroupResult service = BenchResult.of(List.of(d.group())).groups().get(0);
        List<ControlOutcome> outcomes = d.controls().stream().map(c -> outcome(d, c)).toList();
        return new RollResult(d.release(), service, missed(d), own(d.ownRecords()), d.steps(), outcomes);
    }

    private static ControlOutcome outcome(RollingUpgrade.Data d, Control c) {
        long suspended = d.group().audit().runs().stream()
                .filter(r -> r.slot() % 1000 == 0 && r.outcome() != SinkOutcome.FENCED)
                .filter(r -> r.start() >= c.suspendedAt() + 1000 && r.start() < c.resumedAt()).count();
        boolean said = segment(d, c.leader(), c.suspendedAt())
                .contains("Singleton job " + RollingUpgrade.JOB + " is suspended");
        List<String> ran = new ArrayList<>();
        boolean ignored = false;
        for (Map.Entry<String, String> log : new TreeMap<>(d.logs()).entrySet()) { // by replica, for a stable report
            List<Start> starts = d.starts().stream().filter(s -> s.replica().equals(log.getKey())).toList();
            String[] segments = log.getValue().split(java.util.regex.Pattern.quote(RollingUpgrade.START_MARK), -1);
            for (int i = 1; i < segments.length && i - 1 < starts.size(); i++) {
                int n = count(segments[i], "running on request " + c.token() + " ");
                for (int k = 0; k < n; k++) {
                    ran.add(log.getKey() + " (" + starts.get(i - 1).build().title + ")");
                }
                ignored |= segments[i].contains("=" + c.token() + " is ignored");
            }
        }
        return new ControlOutcome(c, suspended, said, ran, ignored);
    }

    /** What {@code replica} logged in the run it was in at {@code at}. */
    private static String segment(RollingUpgrade.Data d, String replica, long at) {
        List<Start> starts = d.starts().stream().filter(s -> s.replica().equals(replica)).toList();
        int index = (int) starts.stream().filter(s -> s.at() <= at).count();
        String[] segments = d.logs().getOrDefault(replica, "")
                .split(java.util.regex.Pattern.quote(RollingUpgrade.START_MARK), -1);
        return index >= 1 && index < segments.length ? segments[index] : "";
    }

    private static int missed(RollingUpgrade.Data d) {
        Set<Long> accepted = d.group().audit().runs().stream().filter(r -> r.outcome() == SinkOutcome.ACCEPTED)
                .map(Audit.Run::slot).filter(s -> s % 1000 == 0).collect(Collectors.toSet());
        if (accepted.isEmpty()) {
            return 0;
        }
        long first = accepted.stream().mapToLong(Long::longValue).min().getAsLong();
        long last = accepted.stream().mapToLong(Long::longValue).max().getAsLong();
        int missed = 0;
        for (long slot = first; slot <= last; slot += 1000) {
            long s = slot;
            boolean inSuspension = d.controls().stream()
                    .anyMatch(c -> s >= c.suspendedAt() - 1000 && s <= c.resumedAt() + 1000);
            if (!accepted.contains(slot) && !inSuspension) {
                missed++;
            }
        }
        return missed;
    }

    static Own own(List<AnnotationWatchLog.Value> records) {
        Map<Instant, Set<String>> runsBySlot = new TreeMap<>();
        for (AnnotationWatchLog.Value v : records) {
            if (v.value() == null) {
                continue;
            }
            try {
                JsonNode r = JSON.readTree(v.value());
                runsBySlot.computeIfAbsent(Instant.parse(r.get("slot").asText()), k -> new HashSet<>())
                        .add(r.get("replica").asText() + "@" + r.get("epoch").asLong());
            } catch (Exception e) {
                // Not a record this analysis can read: neither release writes one, so it is not counted.
            }
        }
        int duplicates = (int) runsBySlot.values().stream().filter(s -> s.size() > 1).count();
        int missed = 0;
        if (!runsBySlot.isEmpty()) {
            Instant first = ((TreeMap<Instant, Set<String>>) runsBySlot).firstKey();
            Instant last = ((TreeMap<Instant, Set<String>>) runsBySlot).lastKey();
            for (Instant s = first; !s.isAfter(last); s = s.plusSeconds(1)) {
                if (!runsBySlot.containsKey(s)) {
                    missed++;
                }
            }
        }
        return new Own(runsBySlot.size(), duplicates, missed);
    }

    /** Slots of the service Lease's job run twice. */
    int duplicateSlots() {
        return service == null ? 0 : service.total().duplicateSlots();
    }

    int staleAccepted() {
        return service == null ? 0 : service.total().staleAccepted();
    }

    /** The row block of the per-scenario table (columns: scenario, measure, Baton, fabric8, ratio). */
    void rows(StringBuilder md) {
        String name = "**rolling upgrade**, previous release " + release.shortCommit() + " → this build → back";
        if (release.notRun() != null) {
            row(md, name, "not run", release.notRun());
            return;
        }
        row(md, name, "duplicate slots (must be 0): service Lease's job / own Lease's job",
                duplicateSlots() + " / " + own.duplicateSlots());
        row(md, "", "stale-epoch writes accepted (must be 0)", "" + staleAccepted());
        row(md, "", "leaderless gap per step (ms; - : a standby was rolled)", gaps());
        row(md, "", "missed slots: service Lease's job (of slots; suspensions left out) / own Lease's job",
                missedSlots + " (of " + service.total().slots() + ") / " + own.missedSlots() + " (of "
                        + (own.runs() + own.missedSlots()) + ")");
        row(md, "", "runs of each run request (at most 1)", controls.stream()
                .map(c -> c.control().token() + ": " + c.requestRuns().size()).collect(Collectors.joining(", ")));
        row(md, "", "previous release's build here (s)", release.buildMs() < 0 ? "already built"
                : Report.fmt(release.buildMs() / 1000.0));
    }

    /** The section saying what each release did with the controls. */
    void section(StringBuilder md) {
        if (release.notRun() != null || controls.isEmpty()) {
            return;
        }
        md.append("\n## ROLL: what each release did with the controls\n\n");
        md.append("Each cycle rolls three replicas of the previous release (").append(release.commit())
                .append(") to this build one at a time (SIGTERM, start, started, next), then back. After the first "
                        + "step each way, the service Lease is annotated: `baton.dev/suspend." + RollingUpgrade.JOB
                        + "=true` for " + RollingUpgrade.SUSPEND_FOR.toSeconds() + " s, then `baton.dev/run."
                        + RollingUpgrade.JOB + "=<token>`, left in place for the rest of the run, so every later "
                        + "leader of either release sees it.\n\n");
        md.append("| cycle | leader (release) | suspension | run request | its runs, by replica (release) |\n"
                + "|---|---|---|---|---|\n");
        for (ControlOutcome c : controls) {
            String suspension = c.runsWhileSuspended() == 0
                    ? "honoured" + (c.suspensionLogged() ? ", said in its log" : ", not said in its log")
                    : "ignored: " + c.runsWhileSuspended() + " run(s) while suspended"
                            + (c.suspensionLogged() ? "" : ", not said in its log");
            String request = c.requestRuns().isEmpty()
                    ? "not run" + (c.requestIgnoredSaid() ? ", said ignored in the log" : ", not said in any log")
                    : c.requestRuns().size() == 1 ? "run once" : "RUN " + c.requestRuns().size() + " TIMES";
            md.append(String.format(Locale.ROOT, "| %d | %s (%s) | %s | `%s`: %s | %s |%n", c.control().cycle(),
                    c.control().leader(), c.control().leaderBuild().title, suspension, c.control().token(), request,
                    c.requestRuns().isEmpty() ? "-" : String.join(", ", c.requestRuns())));
        }
    }

    private String gaps() {
        List<String> parts = new ArrayList<>();
        for (RollingUpgrade.Step s : steps) {
            String gap = s.handover() == null ? "-"
                    : s.handover().tookOver() ? Long.toString(s.handover().gapMs()) : "no takeover";
            parts.add(String.format(Locale.ROOT, "%s%d: %s", s.upgrade() ? "↑" : "↓", s.index(), gap));
        }
        Stats st = service.scenarios().containsKey(Scenario.ROLL) ? service.scenarios().get(Scenario.ROLL).gap()
                : Stats.of(List.of());
        return String.join(", ", parts) + (st.n() == 0 ? "" : " (p50 / max " + st.p50() + " / " + st.max() + ")");
    }

    private static void row(StringBuilder md, String scenario, String measure, String baton) {
        md.append("| ").append(scenario).append(" | ").append(measure).append(" | ").append(baton)
                .append(" | - | |\n");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}
