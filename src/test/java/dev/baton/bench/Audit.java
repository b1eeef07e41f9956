package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;


/** The audit logs of one group's replicas ({@code *.audit} in its directory), read back. */
record Audit(List<Run> runs, List<Change> changes) {

    /** One job run. */
    record Run(String replica, long epoch, long slot, long start, long end, SinkOutcome outcome, boolean catchUp) {
    }

    /** A leadership change as the replica itself saw it; {@code acquired} false means lost. */
    record Change(String replica, boolean acquired, long epoch, long at, String reason) {
    }

    /**
     * Reads every {@code *.audit} file of {@code dir}. A replica whose wall clock was moved (the SKEW scenario) writes
     * to {@code <name>.skewed<seconds>.audit} (e.g. {@code baton-2.skewed-330.audit}): its times are put back on
     * the harness's clock; its slots are left as it named them, since slots are what a duplicate is counted on.
     *
     * @see AuditLog for the line formats
     */
    static Audit read(Path dir) {
        List<Run> runs = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".audit")).toList()) {
                long shift = skewedMillis(f);
                for (String line : Files.readAllLines(f)) {
                    String[] p = line.split(" ");
                    try {
                        switch (p[0]) {
                            case "run" -> runs.add(new Run(p[1], Long.parseLong(p[2]), Long.parseLong(p[3]),
                                    Long.parseLong(p[4]) - shift, Long.parseLong(p[5]) - shift,
                                    SinkOutcome.valueOf(p[6]), Boolean.parseBoolean(p[7])));
                            case "acquired" -> changes.add(new Change(p[1], true, Long.parseLong(p[2]),
                                    Long.parseLong(p[3]) - shift, ""));
                            case "lost" -> changes.add(new Change(p[1], false, Long.parseLong(p[2]),
                                    Long.parseLong(p[3]) - shift, p[4]));
                            default -> {
                            }
                        }
                    } catch (RuntimeException e) {
                        // A line cut short by SIGKILL.
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        runs.sort(Comparator.comparingLong(Run::start));
        changes.sort(Comparator.comparingLong(Change::at));
        return new Audit(runs, changes);
    }

    /** How far ahead of the harness's the clock that wrote {@code file} was, by its name; 0 for most. */
    static long skewedMillis(Path file) {
        Matcher m = SKEWED.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) * 1000 : 0;
    }

    /** The audit file of a replica whose clock is {@code offsetSeconds} ahead (negative: behind). */
    static String skewedFileName(String replica, long offsetSeconds) {
        return replica + ".skewed" + offsetSeconds + ".audit";
    }

    private static final Pattern SKEWED = Pattern.compile(".*\\.skewed(-?\\d+)\\.audit");

    /** The replica whose latest change is an acquisition, latest first; empty if none leads by its own account. */
    Optional<String> leader() {
        String leader = null;
        Map<String, Boolean> leading = new HashMap<>();
        for (Change c : changes) {
            leading.put(c.replica(), c.acquired());
            if (c.acquired()) {
                leader = c.replica();
            }
        }
        return leader != null && leading.get(leader) ? Optional.of(leader) : Optional.empty();
    }

    /** The first acquisition after {@code after} by a replica other than {@code not}. */
    Optional<Change> acquiredAfter(long after, String not) {
        return changes.stream().filter(c -> c.acquired() && c.at() > after && !c.replica().equals(not)).findFirst();
    }

    /** The first loss by {@code replica} after {@code after}. */
    Optional<Change> lostAfter(long after, String replica) {
        return changes.stream().filter(c -> !c.acquired() && c.at() > after && c.replica().equals(replica)).findFirst();
    }
}
