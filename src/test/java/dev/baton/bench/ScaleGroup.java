package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * One size of the SCALE benchmark for one kind of replica: its own test API server and namespace, the replicas on
 * the service Lease and {@code leases} job Leases, and one steady window measured in sub-windows. The first replica
 * starts alone and takes every Lease; the others start once it holds them all, so that the window has one leader
 * holding everything and standbys holding nothing (the idle standby the goal is about). After the window the leader
 * stops gracefully and the others must take every Lease. Every wait is bounded.
 */
final class ScaleGroup implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ScaleGroup.class);

    /** Baton, or fabric8's elector once per Lease. */
    enum Kind {
        BATON("Baton"),
        FABRIC8("fabric8 LeaderElector per Lease");

        final String title;

        Kind(String title) {
            this.title = title;
        }
    }

    /**
     * What one replica looked like at the end of one sub-window.
     *
     * @param cpuPercent CPU time over the sub-window, in % of one core
     * @param requestsPerMin API requests it sent through its proxy in the sub-window, per minute
     * @param writes PUT and PATCH requests in the sub-window
     */
    record Sample(int threads, int watches, long rssKb, double cpuPercent, double requestsPerMin, int writes) {
    }

    /** One replica's samples and how many Leases it held at the end of the window. */
    record ReplicaData(String name, int held, List<Sample> samples) {
    }

    /**
     * Everything the report needs from one group.
     *
     * @param leases job Leases (the service Lease comes on top)
     * @param allHeldMs from the first replica's start to every Lease held; -1 when not within the bound
     * @param renewals versions with a new renewTime of the Leases the leader held, in the window (the harness's watch)
     * @param recordWrites other versions of them in the window (job records)
     * @param unsafe holder changes that could have let two replicas act (must be none)
     * @param unheld Leases with no holder when the bound ran out (must be none)
     * @param handover after the window, the leader's graceful stop and who holds the Leases then
     */
    record Result(Kind kind, int leases, long windowMs, List<ReplicaData> replicas, String leader, int renewals,
            int recordWrites, long allHeldMs, List<String> unsafe, List<String> unheld, Handover handover) {

        int totalLeases() {
            return leases + 1;
        }

        ReplicaData leaderData() {
            return replicas.stream().filter(r -> r.name().equals(leader)).findFirst().orElse(replicas.get(0));
        }

        /** The replicas other than the leader, idle ones (holding nothing) first. */
        List<ReplicaData> standbys() {
            return replicas.stream().filter(r -> !r.name().equals(leader))
                    .sorted((a, b) -> Integer.compare(a.held(), b.held())).toList();
        }
    }

    /**
     * The leader's graceful stop (SIGTERM) after the window: every Lease must be held again by the others.
     *
     * @param allHeldMs from the signal to every Lease held by another replica; -1 when not within the bound
     * @param held how many Leases each replica holds then
     * @param unheld Leases not held by another replica when the bound ran out (must be none)
     */
    record Handover(long allHeldMs, Map<String, Integer> held, List<String> unheld) {
    }

    private final Kind kind;
    private final ScaleSettings settings;
    private final int leases;
    private final String namespace;
    private final Path dir;
    private final MockApiServer api;
    private final LeaseHolders holders;
    private final List<Replica> replicas = new ArrayList<>();

    ScaleGroup(Kind kind, ScaleSettings settings, int leases) throws IOException {
        this.kind = kind;
        this.settings = settings;
        this.leases = leases;
        this.namespace = "scale-" + kind.name().toLowerCase() + "-" + leases;
        this.dir = settings.out().resolve("scale").resolve(kind.name().toLowerCase() + "-" + leases);
        Files.createDirectories(dir);
        this.api = MockApiServer.start(0);
        api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        this.holders = new LeaseHolders(api.client(), namespace);
        for (int i = 1; i <= settings.replicas(); i++) {
            String name = kind.name().toLowerCase() + "-" + i;
            api.client().pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                    .endMetadata().build()).create();
            CutProxy proxy = new CutProxy(name, api.port());
            Path log = dir.resolve(name + ".log");
            Files.deleteIfExists(log);
            replicas.add(new Replica(name, command(name, proxy.port()), log, proxy));
        }
    }

    Result run() {
        Replica first = replicas.get(0);
        long t0 = System.currentTimeMillis();
        first.start();
        Duration bound = Duration.ofSeconds(120).plus(startStep().multipliedBy(leases)).plus(settings.leaseDuration());
        boolean allHeld = Group.poll(bound, () -> first.name().equals(onlyHolder()));
        long allHeldMs = allHeld ? System.currentTimeMillis() - t0 : -1;
        Map<String, String> now = holders.holders();
        List<String> unheld = leaseNames().stream().filter(l -> now.get(l) == null).toList();
        LOG.infof("SCALE %s, %d job Leases: %s", kind.title, leases, allHeld
                ? first.name() + " holds every Lease after " + allHeldMs + " ms" : "not every Lease held: " + unheld);
        replicas.stream().skip(1).forEach(Replica::start);
        Group.await(Duration.ofSeconds(120).plus(startStep().multipliedBy(leases)),
                () -> replicas.stream().allMatch(r -> r.alive() && r.logContains(startedMarker())),
                "every replica of " + kind.title + " started with its " + leases + " Leases");
        // Watches opened and first rounds done on the late replicas before the window.
        Group.sleep(Duration.ofSeconds(5));
        return measure(allHeldMs, unheld);
    }

    private Result measure(long allHeldMs, List<String> unheld) {
        long tick = ProcStats.clockTicksPerSecond();
        Duration sub = settings.subWindow();
        Map<Replica, List<Sample>> samples = new LinkedHashMap<>();
        Map<Replica, Long> ticks = new LinkedHashMap<>();
        replicas.forEach(r -> {
            samples.put(r, new ArrayList<>());
            ticks.put(r, ProcStats.cpuTicks(r.pid()));
        });
        long w0 = System.currentTimeMillis();
        long from = w0;
        for (int i = 1; i <= settings.samples(); i++) {
            Group.sleep(Duration.ofMillis(Math.max(0, w0 + sub.toMillis() * i - System.currentTimeMillis())));
            long to = System.currentTimeMillis();
            double seconds = (to - from) / 1000.0;
            for (Replica r : replicas) {
                long t = ProcStats.cpuTicks(r.pid());
                double cpu = 100.0 * (t - ticks.get(r)) / tick / seconds;
                ticks.put(r, t);
                long f = from;
                List<HttpRequestCounter.Request> in = r.proxy().requests().stream()
                        .filter(q -> q.at() >= f && q.at() < to).toList();
                int writes = (int) in.stream().filter(q -> q.method().equals("PUT") || q.method().equals("PATCH"))
                        .count();
                samples.get(r).add(new Sample(ProcStats.threads(r.pid()), r.proxy().openWatches(),
                        ProcStats.rssKb(r.pid()), cpu, in.size() * 60 / seconds, writes));
            }
            from = to;
        }
        long w1 = from;
        Map<String, Integer> held = holders.heldPerReplica();
        List<ReplicaData> data = replicas.stream()
                .map(r -> new ReplicaData(r.name(), held.getOrDefault(r.name(), 0), List.copyOf(samples.get(r))))
                .toList();
        String leader = data.stream().max((a, b) -> Integer.compare(a.held(), b.held())).map(ReplicaData::name)
                .orElseThrow();
        int[] writes = holders.writesBy(leader, w0, w1);
        LOG.infof("SCALE %s, %d job Leases: held %s", kind.title, leases, held);
        return new Result(kind, leases, w1 - w0, data, leader, writes[0], writes[1], allHeldMs,
                List.of(), List.copyOf(unheld), handover(leader));
    }

    /**
     * Stops the leader gracefully and waits until the others hold every Lease: with a release each is free at once,
     * without one a Lease is taken when it has expired. Bounded by the lease duration and a minute.
     */
    private Handover handover(String leaderName) {
        Replica leader = replicas.stream().filter(r -> r.name().equals(leaderName)).findFirst().orElseThrow();
        long t0 = System.currentTimeMillis();
        leader.terminate();
        boolean done = Group.poll(settings.leaseDuration().plusSeconds(60),
                () -> notHeldByOthers(leaderName).isEmpty());
        long ms = done ? System.currentTimeMillis() - t0 : -1;
        Map<String, Integer> held = holders.heldPerReplica();
        LOG.infof("SCALE %s, %d job Leases: %s stopped (SIGTERM); %s", kind.title, leases, leaderName,
                done ? "every Lease held again after " + ms + " ms: " + held : "not every Lease held again: " + held);
        return new Handover(ms, held, notHeldByOthers(leaderName));
    }

    private List<String> notHeldByOthers(String leaderName) {
        Map<String, String> now = holders.holders();
        return leaseNames().stream().filter(l -> now.get(l) == null || now.get(l).equals(leaderName)).toList();
    }

    /** The result with the holder changes seen over the whole group, its stop included (call after close). */
    Result withSafety(Result r) {
        return new Result(r.kind(), r.leases(), r.windowMs(), r.replicas(), r.leader(), r.renewals(),
                r.recordWrites(), r.allHeldMs(), holders.unsafeTakeovers(settings.renewDeadline()), r.unheld(),
                r.handover());
    }

    private List<String> leaseNames() {
        List<String> names = new ArrayList<>();
        names.add(ScaleSettings.SERVICE_LEASE);
        for (int i = 0; i < leases; i++) {
            names.add(String.format("scale-%04d", i));
        }
        return names;
    }

    /** The one replica holding every Lease (service and job Leases), or null. */
    private String onlyHolder() {
        Map<String, String> h = holders.holders();
        if (h.size() < leases + 1) {
            return null;
        }
        String one = null;
        for (String holder : h.values()) {
            if (holder == null || (one != null && !one.equals(holder))) {
                return null;
            }
            one = holder;
        }
        return one;
    }

    private String startedMarker() {
        if (kind == Kind.FABRIC8) {
            return " started " + (leases + 1) + " electors";
        }
        return leases > 0 ? "Scale: all " + leases + " job Leases contested" : "started in";
    }

    private Duration startStep() {
        return kind == Kind.BATON ? Duration.ofMillis(100) : Duration.ZERO;
    }

    private List<String> command(String name, int proxyPort) {
        if (kind == Kind.FABRIC8) {
            return fabric8Command(settings, name, namespace, proxyPort, leases);
        }
        return batonCommand(settings, name, namespace, proxyPort, List.of(
                "-Dbaton.bench.scale.leases=" + leases,
                "-Dbaton.bench.scale.start-step=" + startStep().toMillis() + "ms",
                // A trivial job every 10 s on the first one or two job Leases, so that job records are written.
                "-Dbaton.bench.scale.first-job-cron=" + (leases >= 1 ? "*/10 * * * * ?" : "off"),
                "-Dbaton.bench.scale.second-job-cron=" + (leases >= 2 ? "5/10 * * * * ?" : "off")));
    }

    /**
     * A fabric8 replica of the SCALE part ({@link Fabric8ScaleReplica}): one elector on the service Lease and one on
     * each of {@code leases} job Leases, with Baton's client settings.
     */
    static List<String> fabric8Command(ScaleSettings settings, String name, String namespace, int proxyPort,
            int leases) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(settings.base().jvmOptions());
        cmd.addAll(List.of("-cp", settings.base().classpath(),
                "-Dkubernetes.master=http://127.0.0.1:" + proxyPort,
                "-Dkubernetes.trust.certificates=true",
                "-Dkubernetes.namespace=" + namespace,
                "-Dkubernetes.auth.tryKubeConfig=false",
                "-Dkubernetes.auth.tryServiceAccount=false",
                // Baton's client settings (application.properties), its default request timeout included.
                "-Dkubernetes.request.timeout=5000",
                "-Dkubernetes.connection.timeout=3000",
                "-Dkubernetes.request.retry.backoffLimit=0",
                Fabric8ScaleReplica.class.getName(), name, namespace, ScaleSettings.SERVICE_LEASE,
                Integer.toString(leases),
                Long.toString(settings.leaseDuration().toMillis()),
                Long.toString(settings.renewDeadline().toMillis()),
                Long.toString(settings.retryPeriod().toMillis())));
        return cmd;
    }

    /** A Baton replica of the benchmark's build on the service Lease of the SCALE part, with {@code extra} options. */
    static List<String> batonCommand(ScaleSettings settings, String name, String namespace, int proxyPort,
            List<String> extra) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(settings.base().jvmOptions());
        // Baton's default timings (15 s / 10 s / 2 s) and request timeout: nothing set.
        cmd.addAll(List.of(
                "-Dbaton.identity=" + name,
                "-Dbaton.namespace=" + namespace,
                "-Dbaton.lease-name=" + ScaleSettings.SERVICE_LEASE,
                "-Dquarkus.kubernetes-client.api-server-url=http://127.0.0.1:" + proxyPort,
                "-Dquarkus.kubernetes-client.trust-certs=true",
                "-Dquarkus.kubernetes-client.namespace=" + namespace,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=0"));
        cmd.addAll(extra);
        cmd.addAll(List.of("-jar", settings.base().jar().toAbsolutePath().toString()));
        return cmd;
    }

    @Override
    public void close() {
        for (Replica r : replicas) {
            if (r.alive()) {
                r.terminate();
            }
        }
        for (Replica r : replicas) {
            if (r.alive()) {
                r.awaitExit(Duration.ofSeconds(20));
            }
            r.proxy().close();
        }
        // The releases at shutdown reach the harness's watch a moment later.
        Group.sleep(Duration.ofSeconds(1));
        holders.close();
        api.close();
    }
}
