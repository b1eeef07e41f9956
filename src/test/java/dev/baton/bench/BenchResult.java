package dev.baton.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a benchmark run measured, per group, computed from the replicas' audit logs, the fenced sink's log, the
 * harness's Lease watch and the proxies' request logs. Safety figures (duplicates, overlaps, stale writes) are
 * attributed to the scenario whose aftermath they fall in: from one second before a disruption to one second
 * before the next. {@code start} is the START part's samples, {@code roll} the ROLL scenario's (null when they did
 * not run).
 */
record BenchResult(List<GroupResult> groups, StartBench.Result start, RollResult roll) {

    BenchResult(List<GroupResult> groups, StartBench.Result start) {
        this(groups, start, null);
    }

    /** This result with the ROLL scenario's. */
    BenchResult withRoll(RollResult r) {
        return new BenchResult(groups, start, r);
    }

    /** One group's figures. */
    record GroupResult(Group.Kind kind, Map<Scenario, ScenarioResult> scenarios, Safety total, Steady steady,
            List<Handover> handovers, double runsPerSlot, List<SkewRow> skew, String skewNotRun) {
    }

    /**
     * One handover of the SKEW scenario.
     *
     * @param jobPauseMs from the last write the sink accepted before the disruption to the first one after it (the
     *        harness's clock); -1 when none came after
     * @param firstRunMs from the new term to the first write accepted within it; -1 when its leader ran nothing
     * @param runsByLagging runs of the job by the replica whose clock was moved, while it was so (must be 0)
     * @param duplicateSlots slots, among those of runs started between this handover and the next disruption, that
     *        more than one run reached the sink for
     */
    record SkewRow(Group.Skewed skewed, long jobPauseMs, long firstRunMs, long runsByLagging, int duplicateSlots) {
    }

    /**
     * @param gap leaderless gap
     * @param sinceRenewal from the old leader's last renewal to the new term (meaningful for a crash)
     * @param noTakeover disruptions after which no other replica led within the bound
     */
    record ScenarioResult(Stats gap, Stats sinceRenewal, Stats sinceDisruption, List<Long> gaps, int noTakeover,
            Safety safety) {
    }

    /**
     * @param slots slots in the period
     * @param missedSlots slots with no accepted write
     * @param catchUpRuns runs that filled a slot missed while no replica led (Baton's RUN_LATEST)
     * @param duplicateSlots slots whose write was attempted by more than one run
     * @param overlaps pairs of runs on different replicas that overlapped in wall-clock time
     * @param staleAccepted writes the sink accepted after a newer term had begun
     * @param rejected writes the sink refused (the fence worked)
     * @param fenced runs that stopped before writing because their term had ended
     */
    record Safety(int slots, int missedSlots, int catchUpRuns, int duplicateSlots, int overlaps, int staleAccepted,
            int rejected, int fenced) {
    }

    /**
     * Steady state: per-minute request rates through the proxies, memory, start-up. Lease versions seen by the
     * harness's watch are split into renewals (renewTime moved) and other writes (Baton's job records).
     */
    record Steady(double leaderRequestsPerMin, double leaderWritesPerMin, double leaderWatchRequestsPerMin,
            double standbyRequestsPerMin, double standbyWritesPerMin, double renewalsPerMin,
            double recordWritesPerMin, long firstLeadershipMs, long rssKbMean, long rssKbMax) {

        /** Election writes (all writes but the job records) per successful renewal. */
        double writesPerRenewal() {
            return renewalsPerMin == 0 ? 0 : (leaderWritesPerMin - recordWritesPerMin) / renewalsPerMin;
        }
    }

    static BenchResult of(List<Group.Data> groups) {
        return of(groups, null);
    }

    static BenchResult of(List<Group.Data> groups, StartBench.Result start) {
        return new BenchResult(groups.stream().map(BenchResult::analyse).toList(), start);
    }

    private static GroupResult analyse(Group.Data d) {
        Map<Long, Long> termBegan = termBeginnings(d);
        List<Handover> hs = d.handovers();
        long runsFrom = d.audit().runs().stream().mapToLong(Audit.Run::slot).min().orElse(d.from());
        long runsTo = d.audit().runs().stream().mapToLong(Audit.Run::slot).max().orElse(d.to());
        Map<Scenario, List<long[]>> windows = new LinkedHashMap<>();
        for (int i = 0; i < hs.size(); i++) {
            long start = hs.get(i).disruptedAt() - 1000;
            long end = i + 1 < hs.size() ? hs.get(i + 1).disruptedAt() - 1000 : runsTo + 1000;
            windows.computeIfAbsent(hs.get(i).scenario(), s -> new ArrayList<>()).add(new long[] {start, end});
        }
        Map<Scenario, ScenarioResult> scenarios = new LinkedHashMap<>();
        for (Scenario s : Scenario.values()) {
            List<Handover> of = hs.stream().filter(h -> h.scenario() == s).toList();
            if (of.isEmpty()) {
                continue;
            }
            List<Long> gaps = of.stream().filter(Handover::tookOver).map(Handover::gapMs).toList();
            List<Long> since = of.stream().filter(Handover::tookOver).map(Handover::sinceLastRenewalMs).toList();
            List<Long> sinceSignal = of.stream().filter(Handover::tookOver).map(Handover::sinceDisruptionMs).toList();
            scenarios.put(s, new ScenarioResult(Stats.of(gaps), Stats.of(since), Stats.of(sinceSignal), gaps,
                    (int) of.stream().filter(h -> !h.tookOver()).count(),
                    safety(d, termBegan, windows.getOrDefault(s, List.of()))));
        }
        // To the end of the last slot's second, so that its runs and writes are counted too.
        Safety total = safety(d, termBegan, List.<long[]>of(new long[] {runsFrom, runsTo + 1000}));
        Steady steady = d.steady() == null ? null : steady(d);
        long writingRuns = d.audit().runs().stream().filter(r -> r.outcome() != SinkOutcome.FENCED).count();
        return new GroupResult(d.kind(), scenarios, total, steady, hs,
                total.slots() == 0 ? 0 : (double) writingRuns / total.slots(), skewRows(d), d.skewNotRun());
    }

    private static List<SkewRow> skewRows(Group.Data d) {
        List<SkewRow> rows = new ArrayList<>();
        List<Handover> hs = d.handovers();
        Map<Long, Long> writingRunsPerSlot = new HashMap<>();
        d.audit().runs().stream().filter(r -> r.outcome() != SinkOutcome.FENCED)
                .forEach(r -> writingRunsPerSlot.merge(r.slot(), 1L, Long::sum));
        for (Group.Skewed s : d.skewed()) {
            Handover h = s.handover();
            int i = hs.indexOf(h);
            long to = i + 1 < hs.size() ? hs.get(i + 1).disruptedAt() : d.to();
            long lastBefore = d.writes().stream().filter(FencedSink.Write::accepted)
                    .filter(w -> w.at() < h.disruptedAt()).mapToLong(FencedSink.Write::at).max().orElse(-1);
            long firstAfter = d.writes().stream().filter(FencedSink.Write::accepted)
                    .filter(w -> w.at() > h.disruptedAt()).mapToLong(FencedSink.Write::at).min().orElse(-1);
            // The lagging replica's runs while its clock was moved: from the handover to it (or past it, when a
            // replica with a good clock took over) to the next one, or up to the handover from it.
            String lagging = s.lagging();
            boolean toLagging = !lagging.equals(h.oldLeader());
            long ledFrom = toLagging ? h.disruptedAt() : i > 0 ? hs.get(i - 1).disruptedAt() : d.from();
            long ledTo = toLagging ? to : h.disruptedAt();
            long runsByLagging = d.audit().runs().stream().filter(r -> r.replica().equals(lagging)
                    && r.start() >= ledFrom && r.start() < ledTo).count();
            int duplicates = (int) d.audit().runs().stream()
                    .filter(r -> r.start() >= h.disruptedAt() - 1000 && r.start() < to - 1000)
                    .map(Audit.Run::slot).distinct().filter(slot -> writingRunsPerSlot.getOrDefault(slot, 0L) > 1)
                    .count();
            long firstInTerm = d.writes().stream().filter(FencedSink.Write::accepted)
                    .filter(w -> w.at() >= h.newLeaderAt() && w.at() < to).mapToLong(FencedSink.Write::at).min()
                    .orElse(-1);
            rows.add(new SkewRow(s, lastBefore < 0 || firstAfter < 0 ? -1 : firstAfter - lastBefore,
                    firstInTerm < 0 || !h.tookOver() ? -1 : firstInTerm - h.newLeaderAt(), runsByLagging, duplicates));
        }
        return rows;
    }

    private static Safety safety(Group.Data d, Map<Long, Long> termBegan, List<long[]> windows) {
        int slots = 0;
        int missed = 0;
        int catchUp = 0;
        int duplicates = 0;
        int overlaps = 0;
        int stale = 0;
        int rejected = 0;
        int fenced = 0;
        Map<Long, List<Audit.Run>> bySlot = new TreeMap<>();
        for (Audit.Run r : d.audit().runs()) {
            bySlot.computeIfAbsent(r.slot(), k -> new ArrayList<>()).add(r);
        }
        List<Audit.Run> runs = d.audit().runs();
        for (long[] w : windows) {
            for (long slot = ceilSecond(w[0]); slot < w[1]; slot += 1000) {
                slots++;
                List<Audit.Run> rs = bySlot.getOrDefault(slot, List.of());
                if (rs.stream().noneMatch(r -> r.outcome() == SinkOutcome.ACCEPTED)) {
                    missed++;
                }
                if (rs.stream().filter(r -> r.outcome() != SinkOutcome.FENCED).count() > 1) {
                    duplicates++;
                }
            }
            for (int i = 0; i < runs.size(); i++) {
                Audit.Run a = runs.get(i);
                if (a.start() < w[0] || a.start() >= w[1]) {
                    continue;
                }
                if (a.catchUp()) {
                    catchUp++;
                }
                if (a.outcome() == SinkOutcome.FENCED) {
                    fenced++;
                }
                for (int j = i + 1; j < runs.size() && runs.get(j).start() < a.end(); j++) {
                    if (!runs.get(j).replica().equals(a.replica())) {
                        overlaps++;
                    }
                }
            }
            for (FencedSink.Write write : d.writes()) {
                if (write.at() < w[0] || write.at() >= w[1]) {
                    continue;
                }
                if (!write.accepted()) {
                    rejected++;
                } else if (d.kind() != Group.Kind.NAIVE && newerTermBefore(termBegan, write.epoch(), write.at())) {
                    stale++;
                }
            }
        }
        return new Safety(slots, missed, catchUp, duplicates, overlaps, stale, rejected, fenced);
    }

    /** Epoch to when its term began: the earliest of the Lease watch and the new leader's own record. */
    private static Map<Long, Long> termBeginnings(Group.Data d) {
        Map<Long, Long> began = new HashMap<>();
        for (LeaseWatchLog.Version v : d.lease()) {
            if (v.holder() != null) {
                began.merge(v.transitions(), v.at(), Math::min);
            }
        }
        for (Audit.Change c : d.audit().changes()) {
            if (c.acquired()) {
                began.merge(c.epoch(), c.at(), Math::min);
            }
        }
        return began;
    }

    private static boolean newerTermBefore(Map<Long, Long> began, long epoch, long at) {
        return began.entrySet().stream().anyMatch(e -> e.getKey() > epoch && e.getValue() < at);
    }

    private static Steady steady(Group.Data d) {
        Group.Steady s = d.steady();
        double minutes = (s.to() - s.from()) / 60000.0;
        Optional<String> leader = Optional.ofNullable(s.leader());
        double leaderReq = 0;
        double leaderWrites = 0;
        double leaderWatch = 0;
        double standbyReq = 0;
        double standbyWrites = 0;
        int standbys = 0;
        for (Map.Entry<String, List<HttpRequestCounter.Request>> e : s.requests().entrySet()) {
            List<HttpRequestCounter.Request> rs = e.getValue();
            long writes = rs.stream().filter(HttpRequestCounter.Request::isWrite).count();
            if (leader.isPresent() && leader.get().equals(e.getKey())) {
                leaderReq = rs.size() / minutes;
                leaderWrites = writes / minutes;
                leaderWatch = rs.stream().filter(HttpRequestCounter.Request::isWatch).count() / minutes;
            } else {
                standbyReq += rs.size() / minutes;
                standbyWrites += writes / minutes;
                standbys++;
            }
        }
        long renewals = 0;
        long records = 0;
        LeaseWatchLog.Version previous = null;
        for (LeaseWatchLog.Version v : d.lease()) {
            if (v.at() >= s.from() && v.at() < s.to() && leader.isPresent() && leader.get().equals(v.holder())) {
                if (previous != null && Objects.equals(previous.renewTime(), v.renewTime())
                        && Objects.equals(previous.holder(), v.holder())) {
                    records++;
                } else {
                    renewals++;
                }
            }
            previous = v;
        }
        long rssMean = (long) s.rssKb().values().stream().mapToLong(Long::longValue).average().orElse(-1);
        return new Steady(leaderReq, leaderWrites, leaderWatch, standbys == 0 ? 0 : standbyReq / standbys,
                standbys == 0 ? 0 : standbyWrites / standbys, renewals / minutes, records / minutes, s.firstLeadershipMs(), rssMean,
                s.rssKb().values().stream().mapToLong(Long::longValue).max().orElse(-1));
    }

    private static long ceilSecond(long millis) {
        return (millis + 999) / 1000 * 1000;
    }

    /** Safety over every group's whole run. */
    int duplicateSlots(Group.Kind kind) {
        return group(kind).map(g -> g.total().duplicateSlots()).orElse(0);
    }

    int staleAccepted(Group.Kind kind) {
        return group(kind).map(g -> g.total().staleAccepted()).orElse(0);
    }

    Optional<GroupResult> group(Group.Kind kind) {
        return groups.stream().filter(g -> g.kind() == kind).findFirst();
    }
}
