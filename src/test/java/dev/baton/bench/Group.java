package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * One group of replicas on one Lease (Baton, fabric8's elector, or the naive baseline): starts them, measures the
 * steady state, drives the scenarios, and stops them all. Every wait is bounded.
 */
final class Group implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Group.class);

    /** What gates the job in a group. */
    enum Kind {
        BATON("Baton"),
        FABRIC8("fabric8 LeaderElector"),
        NAIVE("naive @Scheduled");

        final String title;

        Kind(String title) {
            this.title = title;
        }
    }

    /**
     * The steady-state window: requests each replica sent through its proxy, its memory, who led.
     *
     * @param firstLeadershipMs from the first leader's process start to its first term
     */
    record Steady(long from, long to, String leader, Map<String, List<HttpRequestCounter.Request>> requests,
            Map<String, Long> rssKb, long firstLeadershipMs) {
    }

    /** Everything the analysis needs from a finished group. */
    record Data(Kind kind, BenchSettings settings, Audit audit, List<FencedSink.Write> writes,
            List<LeaseWatchLog.Version> lease, List<Handover> handovers, Steady steady, long from, long to,
            List<Skewed> skewed, String skewNotRun) {
    }

    /**
     * A handover of the SKEW scenario, with the wall-clock offsets of the replicas on either side.
     *
     * @param measured the offset the lagging replica measured and logged, e.g. {@code -330.02s ±0.03s (4 samples)}
     * @param lagging the replica whose clock was moved
     * @param goodRunning whether a replica with a good clock was running (and could take over) at the handover
     */
    record Skewed(Handover handover, long fromOffsetSeconds, long toOffsetSeconds, String measured, String lagging,
            boolean goodRunning) {
    }

    /**
     * API request timeout for both kinds of replica: with the short bench timings a request must give up well
     * inside the renew deadline (Baton warns at start-up otherwise).
     */
    private static final long REQUEST_TIMEOUT_MS = 1500;

    private final Kind kind;
    private final BenchSettings settings;
    private final Path dir;
    private final String lease;
    private final FencedSink sink = new FencedSink();
    private final LeaseWatchLog watch;
    private final List<Replica> replicas = new ArrayList<>();
    private final List<Handover> handovers = new ArrayList<>();
    private final List<Skewed> skewed = new ArrayList<>();
    private String skewNotRun;
    private Steady steady;
    private long from;

    Group(Kind kind, BenchSettings settings, MockApiServer api) throws IOException {
        this.kind = kind;
        this.settings = settings;
        this.dir = settings.out().resolve(kind.name().toLowerCase());
        this.lease = "bench-" + kind.name().toLowerCase();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        this.watch = kind == Kind.NAIVE ? null : new LeaseWatchLog(api.client(), BenchSettings.NAMESPACE, lease);
        for (int i = 1; i <= settings.replicas(); i++) {
            String name = kind.name().toLowerCase() + "-" + i;
            // As on a cluster, each replica's pod exists: Baton labels its own pod with its role.
            api.client().pods().inNamespace(BenchSettings.NAMESPACE).resource(new PodBuilder().withNewMetadata()
                    .withName(name).endMetadata().build()).create();
            CutProxy proxy = new CutProxy(name, api.port());
            replicas.add(new Replica(name, command(kind, settings, name, lease, proxy.port(),
                    dir.resolve(name + ".audit"), sink.url()), dir.resolve(name + ".log"), proxy));
        }
    }

    void start() {
        from = System.currentTimeMillis();
        replicas.forEach(Replica::start);
    }

    /** Waits for a leader and for every replica to be up, then measures one steady window. */
    void measureSteady() {
        Replica leader = null;
        long firstLeadershipMs = -1;
        if (kind != Kind.NAIVE) {
            Audit.Change first = awaitValue(Duration.ofSeconds(120), () -> audit().changes().stream()
                    .filter(Audit.Change::acquired).findFirst(), "a first leader");
            leader = replica(first.replica());
            firstLeadershipMs = first.at() - leader.startedAt();
        }
        await(Duration.ofSeconds(120), this::allStarted, "every replica started");
        sleep(Duration.ofSeconds(3));
        long w0 = System.currentTimeMillis();
        sleep(settings.steady());
        long w1 = System.currentTimeMillis();
        Map<String, List<HttpRequestCounter.Request>> requests = new LinkedHashMap<>();
        Map<String, Long> rss = new LinkedHashMap<>();
        for (Replica r : replicas) {
            requests.put(r.name(), r.proxy().requests().stream().filter(q -> q.at() >= w0 && q.at() < w1).toList());
            rss.put(r.name(), r.rssKb());
        }
        String leaderNow = kind == Kind.NAIVE ? null : audit().leader().orElse(null);
        steady = new Steady(w0, w1, leaderNow, requests, rss, firstLeadershipMs);
    }

    void runScenarios() {
        int cycles = settings.scenarios().stream().mapToInt(settings::cyclesOf).max().orElse(0);
        for (int cycle = 1; cycle <= cycles; cycle++) {
            for (Scenario scenario : settings.scenarios()) {
                if (!scenario.disruption() || cycle > settings.cyclesOf(scenario)) {
                    continue; // START and ROLL are parts of their own; GRACEFUL may have more cycles than the rest
                }
                if (scenario == Scenario.SKEW) {
                    runSkew(cycle, true);
                    runSkew(cycle, false);
                    continue;
                }
                Handover h = run(scenario, cycle);
                handovers.add(h);
                LOG.infof("%s %s #%d: %s -> %s, gap %d ms", kind.title, scenario, cycle, h.oldLeader(),
                        h.newLeader(), h.tookOver() ? h.gapMs() : -1);
            }
        }
    }

    private Handover run(Scenario scenario, int cycle) {
        await(Duration.ofSeconds(120), this::allStarted, "every replica up before " + scenario);
        String leaderName = settledLeader();
        Replica old = replica(leaderName);
        long t0 = System.currentTimeMillis();
        switch (scenario) {
            case GRACEFUL -> old.terminate();
            case CRASH -> old.kill();
            case FREEZE -> old.freeze();
            case CUT -> old.proxy().cut();
        }
        Duration bound = settings.leaseDuration().plusSeconds(20);
        Optional<Audit.Change> next = pollValue(bound, () -> audit().acquiredAfter(t0, leaderName));
        long holdUntil = t0 + settings.leaseDuration().toMillis() + 2000;
        switch (scenario) {
            case GRACEFUL, CRASH -> {
                old.awaitExit(Duration.ofSeconds(20));
                old.start();
            }
            case FREEZE -> {
                sleep(Duration.ofMillis(Math.max(0, holdUntil - System.currentTimeMillis())));
                old.thaw();
            }
            case CUT -> {
                sleep(Duration.ofMillis(Math.max(0, holdUntil - System.currentTimeMillis())));
                old.proxy().heal();
            }
        }
        if (scenario == Scenario.FREEZE || scenario == Scenario.CUT) {
            // Give the old leader time to notice, and to do whatever it does once it runs or reaches the API again.
            pollValue(Duration.ofSeconds(8), () -> audit().lostAfter(t0, leaderName));
            sleep(Duration.ofSeconds(2));
        }
        return observe(scenario, cycle, leaderName, t0, next);
    }

    private String settledLeader() {
        return awaitValue(Duration.ofSeconds(60), () -> audit().leader()
                .filter(l -> System.currentTimeMillis() - lastAcquired(l) > 2500), "a settled leader");
    }

    /** The handover that followed the disruption of {@code leaderName} at {@code t0}, from the logs and the watch. */
    private Handover observe(Scenario scenario, int cycle, String leaderName, long t0, Optional<Audit.Change> next) {
        Audit audit = audit();
        long stoppedAt = scenario == Scenario.GRACEFUL || scenario == Scenario.SKEW
                ? audit.lostAfter(t0, leaderName).map(Audit.Change::at).orElse(t0) : t0;
        List<LeaseWatchLog.Version> versions = watch.versions();
        long lastRenewal = versions.stream().filter(v -> v.at() <= t0 && leaderName.equals(v.holder()))
                .mapToLong(LeaseWatchLog.Version::at).max().orElse(t0);
        // The new leader holds the Lease from its write, which the harness's watch sees within a millisecond or so;
        // its own "acquired" record can come later, after other observers of the event have run.
        Optional<LeaseWatchLog.Version> taken = versions.stream()
                .filter(v -> v.at() > t0 && v.holder() != null && !v.holder().equals(leaderName)).findFirst();
        String newLeader = taken.map(LeaseWatchLog.Version::holder).orElse(next.map(Audit.Change::replica).orElse(null));
        long newLeaderAt = taken.map(LeaseWatchLog.Version::at).orElse(next.map(Audit.Change::at).orElse(-1L));
        return new Handover(scenario, cycle, leaderName, newLeader, t0, stoppedAt, lastRenewal, newLeaderAt);
    }

    /**
     * SKEW, issue 13's case with real processes (Baton only: it is about the job's slots, which Baton names by
     * clock). The job runs on true clocks for longer than the lag ({@link SkewedClock#lag()}, 330 s), or the lagging
     * replica would name only slots that never ran, and a second run of one could not even happen. Then one standby
     * is restarted with its wall clock that far behind (libfaketime) and, once it has measured and logged its offset,
     * made the only candidate (the other standbys stop); the leader stops gracefully and the lagging replica takes
     * the Lease, where it must run no slot (its clock is off: {@code clock-skew}). The others come back on true
     * clocks; a lease duration and 2 s later the lagging leader stops gracefully, a true one takes over and the job
     * runs again, and the lagging one comes back with its clock fixed. Two handovers: to it, and from it.
     * <p>
     * With {@code goodRunning}, the other standbys stay up: replicas with good clocks are running when the leader
     * stops, so the lagging one should leave the Lease to them (it holds back while its clock is refused); if it
     * takes it anyway, the second handover follows as above.
     */
    private void runSkew(int cycle, boolean goodRunning) {
        if (kind != Kind.BATON) {
            return;
        }
        Optional<Path> library = SkewedClock.library();
        if (library.isEmpty()) {
            skewNotRun = "libfaketime is not installed (apt-get install libfaketime; .ci/run installs it)";
            LOG.warnf("SKEW not run: %s", skewNotRun);
            return;
        }
        await(Duration.ofSeconds(120), this::allStarted, "every replica up before SKEW");
        Replica leader = replica(settledLeader());
        List<Replica> standbys = replicas.stream().filter(r -> r != leader).toList();
        Replica lagging = standbys.get(0);
        List<Replica> spares = standbys.subList(1, standbys.size());
        Duration offset = SkewedClock.lag().negated();

        long firstRun = sink.writes().stream().filter(FencedSink.Write::accepted).mapToLong(FencedSink.Write::at)
                .min().orElse(System.currentTimeMillis());
        long wait = firstRun + SkewedClock.lag().toMillis() + 15_000 - System.currentTimeMillis();
        if (wait > 0) {
            LOG.infof("SKEW: waiting %d s, until the job has run for %d s: longer than the lag", wait / 1000,
                    SkewedClock.lag().toSeconds() + 15);
            sleep(Duration.ofMillis(wait));
        }
        lagging.terminate();
        lagging.awaitExit(Duration.ofSeconds(20));
        lagging.start(SkewedClock.command(lagging.command(), lagging.name(), offset),
                SkewedClock.environment(library.get(), offset));
        String measured = awaitValue(Duration.ofSeconds(120), () -> SkewedClock.measured(lagging.logSinceStart()),
                lagging.name() + " measuring its clock " + offset.toSeconds() + " s off");
        await(Duration.ofSeconds(120), () -> lagging.alive() && lagging.logContains("started in"),
                lagging.name() + " started with its clock moved");
        for (Replica spare : goodRunning ? List.<Replica>of() : spares) {
            spare.terminate();
            spare.awaitExit(Duration.ofSeconds(20));
        }
        Duration bound = settings.leaseDuration().plusSeconds(20);

        String from = leader.name();
        long t0 = System.currentTimeMillis();
        leader.terminate();
        Optional<Audit.Change> next = pollValue(bound, () -> audit().acquiredAfter(t0, from));
        leader.awaitExit(Duration.ofSeconds(20));
        Handover toLagging = observe(Scenario.SKEW, cycle, from, t0, next);
        boolean itLeads = lagging.name().equals(toLagging.newLeader());
        noteSkewed(new Skewed(toLagging, 0, itLeads ? offset.toSeconds() : 0, measured, lagging.name(),
                goodRunning));
        leader.start();
        if (!goodRunning) {
            spares.forEach(Replica::start);
        }
        await(Duration.ofSeconds(120), this::allStarted, "every replica back while the lagging one leads");
        sleep(settings.leaseDuration().plusSeconds(2));
        if (goodRunning && !lagging.name().equals(audit().leader().orElse(null))) {
            lagging.terminate(); // it never led: back with its clock fixed, no second handover
            lagging.awaitExit(Duration.ofSeconds(20));
            lagging.start();
            await(Duration.ofSeconds(120), this::allStarted, "every replica up after SKEW");
            return;
        }

        long t1 = System.currentTimeMillis();
        lagging.terminate();
        Optional<Audit.Change> back = pollValue(bound, () -> audit().acquiredAfter(t1, lagging.name()));
        lagging.awaitExit(Duration.ofSeconds(20));
        Handover fromLagging = observe(Scenario.SKEW, cycle, lagging.name(), t1, back);
        noteSkewed(new Skewed(fromLagging, offset.toSeconds(), 0, measured, lagging.name(), goodRunning));
        lagging.start(); // its clock fixed
        // The job's pause ends with the first write after the handover: wait for it (bounded), so that it is measured.
        pollValue(bound, () -> sink.writes().stream().filter(w -> w.accepted() && w.at() > t1
                && !w.replica().equals(lagging.name())).findFirst());
    }

    private void noteSkewed(Skewed s) {
        handovers.add(s.handover());
        skewed.add(s);
        Handover h = s.handover();
        LOG.infof("%s SKEW #%d: %s (%+d s) -> %s (%+d s), gap %d ms", kind.title, h.cycle(), h.oldLeader(),
                s.fromOffsetSeconds(), h.newLeader(), s.toOffsetSeconds(), h.tookOver() ? h.gapMs() : -1);
    }

    /** Runs the group for a while with no disruption (the naive baseline has nothing to fail over). */
    void idle(Duration d) {
        await(Duration.ofSeconds(120), this::allStarted, "every replica started");
        sleep(d);
    }

    Data data() {
        return new Data(kind, settings, audit(), sink.writes(), watch == null ? List.of() : watch.versions(),
                List.copyOf(handovers), steady, from, System.currentTimeMillis(), List.copyOf(skewed), skewNotRun);
    }

    private long lastAcquired(String replica) {
        return audit().changes().stream().filter(c -> c.acquired() && c.replica().equals(replica))
                .mapToLong(Audit.Change::at).max().orElse(Long.MAX_VALUE);
    }

    private boolean allStarted() {
        String marker = kind == Kind.FABRIC8 ? " started" : "started in";
        return replicas.stream().allMatch(r -> r.alive() && r.logContains(marker));
    }

    private Audit audit() {
        return Audit.read(dir);
    }

    private Replica replica(String name) {
        return replicas.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No replica named " + name));
    }

    /**
     * The command line of a replica of {@code kind} named {@code name} electing on {@code lease} through the proxy
     * at {@code proxyPort}: the same JVM options for both kinds ({@link BenchSettings#jvmOptions()}), plus Baton's
     * AppCDS archive when the build made one.
     */
    static List<String> command(Kind kind, BenchSettings settings, String name, String lease, int proxyPort,
            Path auditFile, String sinkUrl) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(settings.jvmOptions());
        if (kind != Kind.FABRIC8) {
            cmd.addAll(settings.batonCds());
        }
        String audit = auditFile.toAbsolutePath().toString();
        if (kind == Kind.FABRIC8) {
            cmd.addAll(List.of("-cp", settings.classpath(),
                    "-Dkubernetes.master=http://127.0.0.1:" + proxyPort,
                    "-Dkubernetes.trust.certificates=true",
                    "-Dkubernetes.namespace=" + BenchSettings.NAMESPACE,
                    "-Dkubernetes.auth.tryKubeConfig=false",
                    "-Dkubernetes.auth.tryServiceAccount=false",
                    // The same client settings as Baton's application.properties.
                    "-Dkubernetes.request.timeout=" + REQUEST_TIMEOUT_MS,
                    "-Dkubernetes.connection.timeout=3000",
                    "-Dkubernetes.request.retry.backoffLimit=0",
                    Fabric8Replica.class.getName(), name, BenchSettings.NAMESPACE, lease,
                    Long.toString(settings.leaseDuration().toMillis()),
                    Long.toString(settings.renewDeadline().toMillis()),
                    Long.toString(settings.retryPeriod().toMillis()),
                    audit, sinkUrl, Long.toString(settings.work().toMillis())));
            return cmd;
        }
        cmd.addAll(List.of(
                "-Dbaton.identity=" + name,
                "-Dbaton.namespace=" + BenchSettings.NAMESPACE,
                "-Dbaton.lease-name=" + lease,
                "-Dbaton.lease-duration=" + settings.leaseDuration().toSeconds() + "s",
                "-Dbaton.renew-deadline=" + settings.renewDeadline().toMillis() + "ms",
                "-Dbaton.retry-period=" + settings.retryPeriod().toMillis() + "ms",
                "-Dbaton.enabled=" + (kind == Kind.BATON),
                "-Dquarkus.kubernetes-client.api-server-url=http://127.0.0.1:" + proxyPort,
                "-Dquarkus.kubernetes-client.trust-certs=true",
                "-Dquarkus.kubernetes-client.namespace=" + BenchSettings.NAMESPACE,
                "-Dbaton.api-request-timeout=" + REQUEST_TIMEOUT_MS + "ms",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=0",
                "-Dbaton.bench.enabled=true",
                "-Dbaton.bench." + (kind == Kind.BATON ? "leader-cron" : "naive-cron") + "=* * * * * ?",
                "-Dbaton.bench.audit-file=" + audit,
                "-Dbaton.bench.sink-url=" + sinkUrl,
                "-Dbaton.bench.work=" + settings.work().toMillis() + "ms",
                "-jar", settings.jar().toAbsolutePath().toString()));
        return cmd;
    }

    @Override
    public void close() {
        for (Replica r : replicas) {
            if (r.alive()) {
                r.thaw();
                r.terminate();
            }
        }
        for (Replica r : replicas) {
            if (r.alive()) {
                r.awaitExit(Duration.ofSeconds(10));
            }
            r.proxy().close();
            writeRequestLog(r);
        }
        sink.close();
        if (watch != null) {
            watch.close();
        }
    }

    // For a person who wants to know what a replica asked the API server, and when.
    private void writeRequestLog(Replica r) {
        StringBuilder sb = new StringBuilder();
        for (HttpRequestCounter.Request q : r.proxy().requests()) {
            sb.append(q.at()).append(' ').append(q.method()).append(' ').append(q.target()).append('\n');
        }
        try {
            Files.writeString(dir.resolve(r.name() + ".requests"), sb);
        } catch (IOException e) {
            LOG.warnf("Cannot write the request log of %s: %s", r.name(), e.getMessage());
        }
    }

    static void await(Duration bound, BooleanSupplier condition, String what) {
        if (!poll(bound, condition)) {
            throw new IllegalStateException("Gave up after " + bound + " waiting for " + what);
        }
    }

    static <T> T awaitValue(Duration bound, Supplier<Optional<T>> value, String what) {
        return pollValue(bound, value).orElseThrow(
                () -> new IllegalStateException("Gave up after " + bound + " waiting for " + what));
    }

    static <T> Optional<T> pollValue(Duration bound, Supplier<Optional<T>> value) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            Optional<T> v = value.get();
            if (v.isPresent() || System.nanoTime() > deadline) {
                return v;
            }
            sleep(Duration.ofMillis(20));
        }
    }

    static boolean poll(Duration bound, BooleanSupplier condition) {
        return pollValue(bound, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty()).isPresent();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
