package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

/**
 * The START part (issue 11, goals 1 and 2): one process at a time, Baton and fabric8's elector alternating, each on a
 * Lease nobody holds, so that what is timed is the process and its first API round, not a wait for someone's Lease.
 * Per sample: process start to "started" (Quarkus's {@code started in} line for Baton, {@link Fabric8Replica}'s
 * start line for fabric8), "started" to leader (the harness's watch sees the Lease held by it), and the RSS of the
 * process once it has led for {@link #LED_FOR} (for Baton the full service: HTTP, health, metrics, scheduler, the
 * job running every second).
 */
final class StartBench {

    private static final Logger LOG = Logger.getLogger(StartBench.class);

    /** How long a process leads before its RSS is read: past start-up's transient allocations, the job running. */
    static final Duration LED_FOR = Duration.ofSeconds(5);

    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final Pattern QUARKUS_STARTED = Pattern.compile(
            "(?m)^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) .* started in [0-9.]+s");
    private static final Pattern FABRIC8_STARTED = Pattern.compile("Fabric8Replica \\S+ started at (\\d+)");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    /**
     * One process, times in ms on the harness's clock (the process's log is stamped with the same machine's clock).
     *
     * @param startedMs process start to its "started" line
     * @param toLeaderMs "started" to the Lease held by it (negative: it led before it said it had started)
     * @param leaderMs process start to the Lease held by it
     */
    record Sample(Group.Kind kind, int n, long startedMs, long toLeaderMs, long leaderMs, long rssKb) {
    }

    /** Every sample, the JDK that ran them, and each kind's command line (the first sample's). */
    record Result(List<Sample> samples, String javaVersion, Map<Group.Kind, List<String>> commands) {

        List<Sample> of(Group.Kind kind) {
            return samples.stream().filter(s -> s.kind() == kind).toList();
        }
    }

    private StartBench() {
    }

    static Result run(BenchSettings settings, MockApiServer api, List<Group.Kind> kinds) throws IOException {
        Path dir = settings.out().resolve("start");
        Files.createDirectories(dir);
        List<Group.Kind> measured = kinds.stream().filter(k -> k != Group.Kind.NAIVE).toList();
        List<Sample> samples = new ArrayList<>();
        Map<Group.Kind, List<String>> commands = new LinkedHashMap<>();
        try (FencedSink sink = new FencedSink()) {
            for (int n = 1; n <= settings.startSamples(); n++) {
                for (Group.Kind kind : measured) {
                    Sample s = sample(settings, api, dir, sink, kind, n, commands);
                    samples.add(s);
                    LOG.infof("START %s #%d: started %d ms, then leader after %d ms (%d ms in all), RSS %d MB",
                            kind.title, n, s.startedMs(), s.toLeaderMs(), s.leaderMs(), s.rssKb() / 1024);
                }
            }
        }
        return new Result(samples, System.getProperty("java.version"), commands);
    }

    private static Sample sample(BenchSettings settings, MockApiServer api, Path dir, FencedSink sink,
            Group.Kind kind, int n, Map<Group.Kind, List<String>> commands) throws IOException {
        String name = kind.name().toLowerCase() + "-start-" + n;
        String lease = "start-" + name;
        try (CutProxy proxy = new CutProxy(name, api.port());
                LeaseWatchLog watch = new LeaseWatchLog(api.client(), BenchSettings.NAMESPACE, lease)) {
            List<String> command = Group.command(kind, settings, name, lease, proxy.port(),
                    dir.resolve(name + ".audit"), sink.url());
            commands.putIfAbsent(kind, command);
            Replica replica = new Replica(name, command, dir.resolve(name + ".log"), proxy);
            replica.start();
            try {
                long t0 = replica.startedAt();
                long leaderAt = Group.awaitValue(BOUND, () -> watch.versions().stream()
                        .filter(v -> name.equals(v.holder())).findFirst().map(LeaseWatchLog.Version::at),
                        name + " leading");
                long startedAt = Group.awaitValue(BOUND, () -> startedAt(kind, replica.logSinceStart()),
                        name + "'s start line");
                Group.sleep(LED_FOR);
                long rss = replica.rssKb();
                return new Sample(kind, n, startedAt - t0, leaderAt - startedAt, leaderAt - t0, rss);
            } finally {
                replica.terminate();
                replica.awaitExit(Duration.ofSeconds(20));
            }
        }
    }

    /** When the process said it had started, from its log. */
    static Optional<Long> startedAt(Group.Kind kind, String log) {
        if (kind == Group.Kind.FABRIC8) {
            Matcher m = FABRIC8_STARTED.matcher(log);
            return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
        }
        Matcher m = QUARKUS_STARTED.matcher(log);
        return m.find() ? Optional.of(LocalDateTime.parse(m.group(1), LOG_TIME).atZone(ZoneId.systemDefault())
                .toInstant().toEpochMilli()) : Optional.empty();
    }
}
