package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * ROLL: a rolling upgrade from the previous release ({@link PreviousRelease}) to this build and back, as a
 * Deployment's rollout and its rollback do it. Three replicas of the previous release run the every-second
 * {@code RUN_LATEST} job on the service Lease ({@code BenchJob}, audited, fenced sink) and a job on a Lease of its
 * own ({@code ScaleJobs}' first job on {@code scale-0000}, read from its record by a watch). Each cycle rolls them
 * to this build one at a time (SIGTERM, start, started, next), then back the same way. Operators' controls are
 * made by annotating the service Lease after the first step each way, where the leader's release is known: after
 * the first upgrade step two of three replicas, the leader among them, are the previous release (the stopped one,
 * if it led, was followed by one of them before it came back); after the first rollback step two are this build.
 * Each time, a suspension of {@value #JOB} for {@link #SUSPEND_FOR}, then a run request with a new token; the
 * request's annotation stays for the rest of the run, so every later leader, of either release, sees it and must not
 * run it again.
 */
final class RollingUpgrade {

    private static final Logger LOG = Logger.getLogger(RollingUpgrade.class);

    static final String LEASE = "bench-roll";
    static final String JOB = "baton-bench";
    static final String OWN_LEASE = "scale-0000";
    static final String OWN_JOB = "scale-first";
    static final Duration SUSPEND_FOR = Duration.ofSeconds(5);
    /** Written into a replica's log before each start, so that its lines can be told apart by release. */
    static final String START_MARK = "=== ROLL harness: starting ";

    /** Which build a replica runs. */
    enum Build {
        PREVIOUS("previous release"),
        CURRENT("this build");

        final String title;

        Build(String title) {
            this.title = title;
        }
    }

    /**
     * One step: {@code replica} stopped (SIGTERM) and started as {@code to}.
     *
     * @param handover the takeover that followed, when the stopped replica led; null when it was a standby
     */
    record Step(int cycle, boolean upgrade, int index, String replica, Build to, Handover handover) {
    }

    /**
     * The controls made at one point of a cycle.
     *
     * @param leader the replica that led when they were made, and its build
     * @param suspendedAt when the suspension was written; {@code resumedAt} when it was removed
     * @param token the run request's token, written at {@code requestedAt}
     */
    record Control(int cycle, String leader, Build leaderBuild, long suspendedAt, long resumedAt, String token,
            long requestedAt) {
    }

    /** One replica started as {@code build} at {@code at}. */
    record Start(String replica, Build build, long at) {
    }

    /** Everything the analysis needs ({@link RollResult}); {@code group} is null when the scenario did not run. */
    record Data(PreviousRelease.Release release, Group.Data group, List<Step> steps, List<Control> controls,
            List<Start> starts, Map<String, String> logs, List<AnnotationWatchLog.Value> ownRecords) {
    }

    private final BenchSettings settings;
    private final MockApiServer api;
    private final PreviousRelease.Release release;
    private final Path dir;
    private final FencedSink sink = new FencedSink();
    private final LeaseWatchLog watch;
    private final AnnotationWatchLog ownRecords;
    private final List<Replica> replicas = new ArrayList<>();
    private final Map<String, Map<Build, List<String>>> commands = new HashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private final List<Control> controls = new ArrayList<>();
    private final List<Start> starts = new ArrayList<>();
    private final Map<String, Build> running = new HashMap<>();

    private RollingUpgrade(BenchSettings settings, MockApiServer api, PreviousRelease.Release release, Path dir)
            throws IOException {
        this.settings = settings;
        this.api = api;
        this.release = release;
        this.dir = dir;
        this.watch = new LeaseWatchLog(api.client(), BenchSettings.NAMESPACE, LEASE);
        this.ownRecords = new AnnotationWatchLog(api.client(), BenchSettings.NAMESPACE, OWN_LEASE,
                "baton.dev/job." + OWN_JOB);
        for (int i = 1; i <= settings.replicas(); i++) {
            String name = "roll-" + i;
            api.client().pods().inNamespace(BenchSettings.NAMESPACE).resource(new PodBuilder().withNewMetadata()
                    .withName(name).endMetadata().build()).create();
            CutProxy proxy = new CutProxy(name, api.port());
            Map<Build, List<String>> byBuild = new HashMap<>();
            byBuild.put(Build.PREVIOUS, command(settings.withJar(release.jar()), name, proxy.port()));
            byBuild.put(Build.CURRENT, command(settings, name, proxy.port()));
            commands.put(name, byBuild);
            replicas.add(new Replica(name, byBuild.get(Build.PREVIOUS), dir.resolve(name + ".log"), proxy));
        }
    }

    /** Builds the previous release (or finds it built) and runs the scenario's cycles; never null. */
    static Data run(BenchSettings settings, MockApiServer api) throws IOException {
        Path dir = settings.out().resolve("roll");
        Group.deleteRecursively(dir);
        Files.createDirectories(dir);
        PreviousRelease.Release release = PreviousRelease.prepare(Path.of("").toAbsolutePath(),
                Path.of(System.getProperty("bench.previous.out", "target/previous-release")));
        if (release.notRun() != null) {
            return new Data(release, null, List.of(), List.of(), List.of(), Map.of(), List.of());
        }
        RollingUpgrade roll = new RollingUpgrade(settings, api, release, dir);
        try {
            return roll.cycles();
        } finally {
            roll.close();
        }
    }

    private Data cycles() {
        long from = System.currentTimeMillis();
        replicas.forEach(r -> start(r, Build.PREVIOUS));
        Group.await(Duration.ofSeconds(180), this::allStarted, "every replica of the previous release started");
        settledLeader();
        Group.awaitValue(Duration.ofSeconds(60), () -> ownRecords.values().stream().findFirst(),
                "a record of " + OWN_JOB + " on its own Lease");
        Group.sleep(Duration.ofSeconds(5));
        for (int cycle = 1; cycle <= settings.cyclesOf(Scenario.ROLL); cycle++) {
            roll(cycle, true);
            roll(cycle, false);
        }
        Group.sleep(Duration.ofSeconds(3)); // the last slots' writes and records
        Map<String, String> logs = new HashMap<>();
        replicas.forEach(r -> logs.put(r.name(), readLog(r.name())));
        List<Handover> handovers = steps.stream().map(Step::handover).filter(h -> h != null).toList();
        Group.Data group = new Group.Data(Group.Kind.BATON, settings, audit(), sink.writes(), watch.versions(),
                handovers, null, from, System.currentTimeMillis(), List.of(), null);
        return new Data(release, group, List.copyOf(steps), List.copyOf(controls), List.copyOf(starts), logs,
                ownRecords.values());
    }

    /** One direction of one cycle: every replica in turn to {@code upgrade ? CURRENT : PREVIOUS}. */
    private void roll(int cycle, boolean upgrade) {
        Build to = upgrade ? Build.CURRENT : Build.PREVIOUS;
        for (int i = 0; i < replicas.size(); i++) {
            Replica r = replicas.get(i);
            String leader = settledLeader();
            long t0 = System.currentTimeMillis();
            r.terminate();
            r.awaitExit(Duration.ofSeconds(20));
            Handover h = null;
            if (r.name().equals(leader)) {
                Optional<Audit.Change> next = Group.pollValue(settings.leaseDuration().plusSeconds(20),
                        () -> audit().acquiredAfter(t0, leader));
                h = observe(cycle, leader, t0, next);
            }
            start(r, to);
            Group.await(Duration.ofSeconds(180), () -> r.alive() && r.logContains("started in"),
                    r.name() + " started as " + to.title);
            steps.add(new Step(cycle, upgrade, i + 1, r.name(), to, h));
            LOG.infof("ROLL #%d %s step %d: %s is %s%s", cycle, upgrade ? "upgrade" : "rollback", i + 1, r.name(),
                    to.title, h == null ? " (it was a standby)" : ", gap " + (h.tookOver() ? h.gapMs() : -1) + " ms");
            if (i == 0) {
                controls(cycle, upgrade);
            }
        }
    }

    /** A suspension, then a run request, on the service Lease; see the class comment for when. */
    private void controls(int cycle, boolean upgrade) {
        String leader = settledLeader();
        Build build = running.get(leader);
        String suspendKey = "baton.dev/suspend." + JOB;
        long suspendedAt = System.currentTimeMillis();
        annotate(suspendKey, "true");
        Group.sleep(SUSPEND_FOR);
        long resumedAt = System.currentTimeMillis();
        annotate(suspendKey, null);
        Group.sleep(Duration.ofSeconds(2));
        String token = "roll-" + cycle + "-" + (upgrade ? "upgrade" : "rollback");
        long requestedAt = System.currentTimeMillis();
        annotate("baton.dev/run." + JOB, token);
        // Bounded: a release that ignores requests never says it ran one.
        Group.poll(Duration.ofSeconds(20), () -> replicas.stream()
                .anyMatch(r -> readLog(r.name()).contains("running on request " + token)));
        Group.sleep(Duration.ofSeconds(2));
        controls.add(new Control(cycle, leader, build, suspendedAt, resumedAt, token, requestedAt));
        LOG.infof("ROLL #%d: suspension and run request %s made while %s (%s) led", cycle, token, leader,
                build.title);
    }

    /** Sets ({@code value} not null) or removes an annotation of the service Lease, as kubectl annotate does. */
    private void annotate(String key, String value) {
        for (int attempt = 1;; attempt++) {
            try {
                Lease lease = api.client().leases().inNamespace(BenchSettings.NAMESPACE).withName(LEASE).get();
                Map<String, String> a = new HashMap<>(Optional.ofNullable(lease.getMetadata().getAnnotations())
                        .orElse(Map.of()));
                if (value == null) {
                    a.remove(key);
                } else {
                    a.put(key, value);
                }
                lease.getMetadata().setAnnotations(a);
                api.client().leases().inNamespace(BenchSettings.NAMESPACE).resource(lease).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 50) {
                    throw e;
                }
                // The holder wrote in between (a renewal, a record): read it again, as kubectl would.
            }
        }
    }

    private Handover observe(int cycle, String leader, long t0, Optional<Audit.Change> next) {
        long stoppedAt = audit().lostAfter(t0, leader).map(Audit.Change::at).orElse(t0);
        List<LeaseWatchLog.Version> versions = watch.versions();
        long lastRenewal = versions.stream().filter(v -> v.at() <= t0 && leader.equals(v.holder()))
                .mapToLong(LeaseWatchLog.Version::at).max().orElse(t0);
        Optional<LeaseWatchLog.Version> taken = versions.stream()
                .filter(v -> v.at() > t0 && v.holder() != null && !v.holder().equals(leader)).findFirst();
        String newLeader = taken.map(LeaseWatchLog.Version::holder)
                .orElse(next.map(Audit.Change::replica).orElse(null));
        long newLeaderAt = taken.map(LeaseWatchLog.Version::at).orElse(next.map(Audit.Change::at).orElse(-1L));
        return new Handover(Scenario.ROLL, cycle, leader, newLeader, t0, stoppedAt, lastRenewal, newLeaderAt);
    }

    private void start(Replica r, Build build) {
        try {
            Files.writeString(dir.resolve(r.name() + ".log"), "\n" + START_MARK + build + " ===\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        r.start(commands.get(r.name()).get(build), Map.of());
        running.put(r.name(), build);
        starts.add(new Start(r.name(), build, r.startedAt()));
    }

    private String settledLeader() {
        return Group.awaitValue(Duration.ofSeconds(60), () -> audit().leader().filter(l -> audit().changes().stream()
                .filter(c -> c.acquired() && c.replica().equals(l)).mapToLong(Audit.Change::at).max()
                .orElse(Long.MAX_VALUE) < System.currentTimeMillis() - 2500), "a settled leader");
    }

    private boolean allStarted() {
        return replicas.stream().allMatch(r -> r.alive() && r.logContains("started in"));
    }

    private Audit audit() {
        return Audit.read(dir);
    }

    private String readLog(String replica) {
        try {
            Path log = dir.resolve(replica + ".log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Baton's command line ({@link Group#command}) with the job on its own Lease switched on. */
    private List<String> command(BenchSettings s, String name, int proxyPort) {
        List<String> cmd = new ArrayList<>(Group.command(Group.Kind.BATON, s, name, LEASE, proxyPort,
                dir.resolve(name + ".audit"), sink.url()));
        cmd.add(cmd.indexOf("-jar"), "-Dbaton.bench.scale.first-job-cron=* * * * * ?");
        return cmd;
    }

    private void close() {
        for (Replica r : replicas) {
            if (r.alive()) {
                r.terminate();
            }
        }
        for (Replica r : replicas) {
            if (r.alive()) {
                r.awaitExit(Duration.ofSeconds(10));
            }
            r.proxy().close();
        }
        sink.close();
        watch.close();
        ownRecords.close();
    }
}
