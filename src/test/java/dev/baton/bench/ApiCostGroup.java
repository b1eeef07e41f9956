package dev.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import dev.baton.election.Shards;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * One column of the API cost table for one kind of replica: {@code jobs} singleton jobs spread over three replicas
 * on a fresh test API server, each job with a record and a full history ({@link ApiCostSeed}), firing every minute.
 * The three start together and share the jobs out; then one steady window, counted at each replica's proxy (what the
 * API server receives) and by the harness's own watch (what the objects weigh). Then a fourth replica joins: its CPU
 * while the others hold the jobs is the idle standby's, and the time until the shares are even again is the join's.
 * Then one replica leaves gracefully (SIGTERM) and another is killed (SIGKILL): how long until every job has a live
 * holder again, and until the shares are even. fabric8's electors (one per job Lease) get the window and the join.
 * Every wait is bounded.
 */
final class ApiCostGroup implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ApiCostGroup.class);

    /**
     * After a replica joined or left: from the event to every job held by a live replica, and to even shares
     * ({@link #evenBound}); -1 when not within the bound. {@code jobsPerReplica} when the bound or evenness came.
     */
    record Churn(String event, long allHeldMs, long evenMs, Map<String, Integer> jobsPerReplica) {
    }

    /**
     * One column of the table.
     *
     * @param renewedLeaseBytes the largest Lease, as compact JSON, among those written in the window at least once per
     *        renew deadline on average (renewed, not merely written when a run ends); {@code renewedLease} its name
     * @param writesPerMin PUT, PATCH and POST requests the API server received from the three replicas, per minute
     * @param bytesPerMin the sum of those requests' bodies, per minute
     * @param standbyCpu the joining replica's CPU per sub-window, in % of one core; {@code standbyJobs} what it held
     * @param jobsPerReplica who held how many jobs at the window's end
     */
    record Result(ScaleGroup.Kind kind, int jobs, long windowMs, long allHeldMs, int renewedLeaseBytes,
            String renewedLease, double writesPerMin, double bytesPerMin, List<Double> standbyCpu, int standbyJobs,
            Map<String, Integer> jobsPerReplica, List<Churn> churn, List<String> unsafe, List<String> unheld) {

        double largestSharePercent() {
            return jobs == 0 ? 0 : 100.0 * jobsPerReplica.values().stream().mapToInt(i -> i).max().orElse(0) / jobs;
        }
    }

    private final ScaleGroup.Kind kind;
    private final ScaleSettings settings;
    private final int jobs;
    private final String namespace;
    private final MockApiServer api;
    private final LeaseHolders holders;
    private final List<Replica> replicas = new ArrayList<>();

    ApiCostGroup(ScaleGroup.Kind kind, ScaleSettings settings, int jobs) throws IOException {
        this.kind = kind;
        this.settings = settings;
        this.jobs = jobs;
        this.namespace = "api-" + kind.name().toLowerCase(Locale.ROOT) + "-" + jobs;
        Path dir = settings.out().resolve("api-cost").resolve(kind.name().toLowerCase(Locale.ROOT) + "-" + jobs);
        Files.createDirectories(dir);
        this.api = MockApiServer.start(0);
        api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        this.holders = new LeaseHolders(api.client(), namespace);
        if (kind == ScaleGroup.Kind.BATON) {
            ApiCostSeed.recordLeases(api.client(), namespace, ScaleSettings.SERVICE_LEASE, jobs);
        }
        for (int i = 1; i <= settings.replicas() + 1; i++) {
            String name = kind.name().toLowerCase(Locale.ROOT) + "-" + i;
            api.client().pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                    .endMetadata().build()).create();
            CutProxy proxy = new CutProxy(name, api.port());
            Path log = dir.resolve(name + ".log");
            Files.deleteIfExists(log);
            replicas.add(new Replica(name, command(name, proxy.port()), log, proxy));
        }
    }

    static String jobId(int i) {
        return String.format(Locale.ROOT, "api-%04d", i);
    }

    /** A spread job's shard Lease (fabric8's electors contest one Lease per job, the SCALE part's names). */
    private String jobLease(int i) {
        return kind == ScaleGroup.Kind.BATON ? Shards.shardLease(ScaleSettings.SERVICE_LEASE, Shards.of(jobId(i)))
                : String.format(Locale.ROOT, "scale-%04d", i);
    }

    Result run() {
        List<Replica> first = replicas.subList(0, settings.replicas());
        long t0 = System.currentTimeMillis();
        first.forEach(Replica::start);
        Duration bound = Duration.ofSeconds(120).plus(Duration.ofMillis(100).multipliedBy(jobs))
                .plus(settings.leaseDuration());
        Group.poll(bound, () -> first.stream().allMatch(r -> r.logContains(startedMarker()))
                && unheldBy(names(first)).isEmpty());
        long allHeldMs = unheldBy(names(first)).isEmpty() ? System.currentTimeMillis() - t0 : -1;
        List<String> unheld = unheldBy(names(first));
        LOG.infof("API cost %s, %d jobs: %s", kind.title, jobs, allHeldMs >= 0 ? "every job held after " + allHeldMs
                + " ms: " + jobsPerReplica() : "not every job held: " + unheld);
        // Replicas that even their shares out do so now, not in the window (bounded: the hash may not allow it).
        Group.poll(Duration.ofSeconds(60), () -> isEven(holders.holders(), names(first)) && shardsEven());
        Group.sleep(Duration.ofSeconds(5).plus(warmUp(kind)));

        long w0 = System.currentTimeMillis();
        Group.sleep(window(settings, kind));
        long w1 = System.currentTimeMillis();
        Map<String, Integer> shares = jobsPerReplica();
        double minutes = (w1 - w0) / 60000.0;
        List<HttpRequestCounter.Request> writes = first.stream().flatMap(r -> r.proxy().requests().stream())
                .filter(q -> q.at() >= w0 && q.at() < w1)
                .filter(q -> Set.of("PUT", "PATCH", "POST").contains(q.method())).toList();
        Map.Entry<String, Integer> renewed = largestRenewed(w0, w1);
        LOG.infof("API cost %s, %d jobs: %d writes, %d bytes in %d ms; largest renewed Lease %s; shares %s",
                kind.title, jobs, writes.size(), writes.stream().mapToLong(HttpRequestCounter.Request::bytes).sum(),
                w1 - w0, renewed, shares);

        List<Churn> churn = new ArrayList<>();
        Replica joiner = replicas.get(settings.replicas());
        List<Double> standbyCpu = join(joiner, churn);
        int standbyJobs = jobsPerReplica().getOrDefault(joiner.name(), 0);
        if (kind == ScaleGroup.Kind.BATON) {
            churn.add(leave(replicas.get(0), false));
            churn.add(leave(replicas.get(1), true));
        }
        return new Result(kind, jobs, w1 - w0, allHeldMs, renewed.getValue(), renewed.getKey(),
                writes.size() / minutes, writes.stream().mapToLong(HttpRequestCounter.Request::bytes).sum() / minutes,
                standbyCpu, standbyJobs, shares, churn, List.of(), unheld);
    }

    /** Starts the joiner, measures its CPU over a window as long as the steady one, and when shares were even. */
    private List<Double> join(Replica joiner, List<Churn> churn) {
        long t0 = System.currentTimeMillis();
        joiner.start();
        Group.poll(Duration.ofSeconds(120), () -> joiner.logContains(startedMarker()));
        Group.sleep(Duration.ofSeconds(5));
        long tick = ProcStats.clockTicksPerSecond();
        List<Double> cpu = new ArrayList<>();
        long from = System.currentTimeMillis();
        long ticks = ProcStats.cpuTicks(joiner.pid());
        for (int i = 0; i < settings.samples(); i++) {
            Group.sleep(settings.subWindow());
            long t = ProcStats.cpuTicks(joiner.pid());
            long to = System.currentTimeMillis();
            cpu.add(100.0 * (t - ticks) / tick / ((to - from) / 1000.0));
            ticks = t;
            from = to;
        }
        churn.add(churn("join of " + joiner.name(), t0, live()));
        LOG.infof("API cost %s, %d jobs: %s joined, CPU %s, holds %d", kind.title, jobs, joiner.name(), cpu,
                jobsPerReplica().getOrDefault(joiner.name(), 0));
        return cpu;
    }

    /** Stops {@code r} (SIGTERM, or SIGKILL) and waits, bounded, until the others hold every job evenly. */
    private Churn leave(Replica r, boolean kill) {
        long t0 = System.currentTimeMillis();
        if (kill) {
            r.kill();
        } else {
            r.terminate();
        }
        r.awaitExit(Duration.ofSeconds(30));
        List<String> alive = live();
        Duration bound = settings.leaseDuration().plusSeconds(30);
        Group.poll(bound, () -> isEven(holders.holders(), alive));
        Churn c = churn((kill ? "SIGKILL of " : "SIGTERM of ") + r.name(), t0, alive);
        LOG.infof("API cost %s, %d jobs: %s", kind.title, jobs, c);
        return c;
    }

    /**
     * When, after {@code t0}, every job was first held by one of {@code alive}, and when the shares were first even,
     * read from the harness's watch; -1 for what did not happen.
     */
    private Churn churn(String event, long t0, List<String> alive) {
        Map<String, String> h = new HashMap<>();
        long held = -1;
        long even = -1;
        Map<String, Integer> at = null;
        for (LeaseHolders.Version v : holders.versions()) {
            h.put(v.lease(), v.holder());
            if (v.at() < t0) {
                continue;
            }
            if (held < 0 && allHeld(h, alive)) {
                held = v.at() - t0;
            }
            if (even < 0 && isEven(h, alive)) {
                even = v.at() - t0;
                at = perReplica(h);
            }
        }
        if (held < 0 && allHeld(h, alive)) {
            held = 0; // nothing changed after t0: already held by the live ones
        }
        if (even < 0 && isEven(h, alive)) {
            even = 0;
            at = perReplica(h);
        }
        return new Churn(event, held, even, at != null ? at : perReplica(h));
    }

    /** Baton's shards held within one of each other (the balancer's goal); true for fabric8. */
    private boolean shardsEven() {
        if (kind != ScaleGroup.Kind.BATON) {
            return true;
        }
        Map<String, Integer> n = new TreeMap<>();
        holders.holders().forEach((lease, holder) -> {
            if (holder != null && lease.contains("-shard-")) {
                n.merge(holder, 1, Integer::sum);
            }
        });
        return n.isEmpty() || n.values().stream().mapToInt(i -> i).max().getAsInt()
                - n.values().stream().mapToInt(i -> i).min().getAsInt() <= 1;
    }

    private boolean allHeld(Map<String, String> h, List<String> alive) {
        for (int i = 0; i < jobs; i++) {
            if (!alive.contains(h.get(jobLease(i)))) {
                return false;
            }
        }
        return true;
    }

    private boolean isEven(Map<String, String> h, List<String> alive) {
        return allHeld(h, alive) && perReplica(h).values().stream().allMatch(n -> n <= evenBound(jobs, alive.size()));
    }

    /**
     * The most jobs one of {@code replicas} may hold with the shares still called even: a fifth more than an equal
     * share (40 % of the jobs over three replicas, the goal), and never less than the equal share rounded up.
     */
    static int evenBound(int jobs, int replicas) {
        return Math.max((jobs + replicas - 1) / replicas, (int) Math.floor(1.2 * jobs / replicas));
    }

    private Map<String, Integer> perReplica(Map<String, String> h) {
        Map<String, Integer> n = new TreeMap<>();
        for (int i = 0; i < jobs; i++) {
            String holder = h.get(jobLease(i));
            if (holder != null) {
                n.merge(holder, 1, Integer::sum);
            }
        }
        return n;
    }

    private Map<String, Integer> jobsPerReplica() {
        return perReplica(holders.holders());
    }

    /**
     * The largest elected Lease (one with a lease duration: not a record Lease, which nobody renews) written at least
     * once per 20 s on average in [w0, w1), and at least three times, as (name, bytes): the service Lease every 2 s, a
     * shard every 10 s, a job's own Lease every 2 s.
     */
    private Map.Entry<String, Integer> largestRenewed(long w0, long w1) {
        Map<String, Integer> count = new HashMap<>();
        Map<String, Integer> size = new HashMap<>();
        for (LeaseHolders.Version v : holders.versions()) {
            if (v.at() >= w0 && v.at() < w1 && v.durationSeconds() > 0) {
                count.merge(v.lease(), 1, Integer::sum);
                size.merge(v.lease(), v.bytes(), Math::max);
            }
        }
        double least = Math.max(3, (w1 - w0) / 20_000.0);
        Predicate<String> renewed = l -> count.get(l) >= least;
        return size.entrySet().stream().filter(e -> renewed.test(e.getKey())).max(Map.Entry.comparingByValue())
                .orElse(Map.entry("none", 0));
    }

    private List<String> unheldBy(List<String> names) {
        Map<String, String> h = holders.holders();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            if (!names.contains(h.get(jobLease(i)))) {
                out.add(jobLease(i));
            }
        }
        if (h.get(ScaleSettings.SERVICE_LEASE) == null) {
            out.add(ScaleSettings.SERVICE_LEASE);
        }
        return out;
    }

    /**
     * The steady window: Baton's at least {@code bench.api-window-seconds}, so that it holds one write of each shard's
     * history Lease (every {@code baton.jobs.spread-history-interval}, 10 min) and the bytes per minute are the
     * service's, not those of its first minutes; fabric8's, which writes nothing late, the SCALE part's.
     */
    static Duration window(ScaleSettings settings, ScaleGroup.Kind kind) {
        Duration api = Duration.ofSeconds(Long.getLong("bench.api-window-seconds", settings.window().toSeconds()));
        return kind == ScaleGroup.Kind.BATON && api.compareTo(settings.window()) > 0 ? api : settings.window();
    }

    /**
     * Baton's wait before its window, {@code bench.api-warmup-seconds}: a shard's first history write comes a history
     * interval after its term's first run, and the replicas' terms begin together, so a window that starts at once
     * sees the histories of no shard; after one interval, each shard writes once per interval, at its own moment.
     */
    static Duration warmUp(ScaleGroup.Kind kind) {
        return kind == ScaleGroup.Kind.BATON ? Duration.ofSeconds(Long.getLong("bench.api-warmup-seconds", 0))
                : Duration.ZERO;
    }

    private List<String> live() {
        return names(replicas.stream().filter(Replica::alive).toList());
    }

    private static List<String> names(List<Replica> rs) {
        return rs.stream().map(Replica::name).toList();
    }

    /**
     * The result with the holder changes seen over the whole group (call after close): of the elected Leases, each
     * judged by its own renew deadline (a shard's is twice the service Lease's). A record Lease is not elected: its
     * holder changes when the shard's next term fences it, after that shard Lease moved.
     */
    Result withSafety(Result r) {
        List<LeaseHolders.Version> all = holders.versions();
        List<String> unsafe = new ArrayList<>(LeaseHolders.unsafeTakeovers(all.stream()
                .filter(v -> !v.lease().contains("-shard-") && !v.lease().contains("-records-")
                        && !v.lease().contains("-history-")).toList(),
                settings.renewDeadline()));
        unsafe.addAll(LeaseHolders.unsafeTakeovers(all.stream().filter(v -> v.lease().contains("-shard-")).toList(),
                settings.renewDeadline().multipliedBy(2)));
        return new Result(r.kind(), r.jobs(), r.windowMs(), r.allHeldMs(), r.renewedLeaseBytes(), r.renewedLease(),
                r.writesPerMin(), r.bytesPerMin(), r.standbyCpu(), r.standbyJobs(), r.jobsPerReplica(), r.churn(),
                unsafe, r.unheld());
    }

    private String startedMarker() {
        return kind == ScaleGroup.Kind.FABRIC8 ? " started " + (jobs + 1) + " electors" : "started in";
    }

    private List<String> command(String name, int proxyPort) {
        if (kind == ScaleGroup.Kind.FABRIC8) {
            return ScaleGroup.fabric8Command(settings, name, namespace, proxyPort, jobs);
        }
        List<String> extra = new ArrayList<>();
        ApiCostSettings.cronKeys(jobs).forEach(k -> extra.add("-D" + k + "=" + ApiCostSettings.CRON));
        if (jobs > 64 * Shards.COUNT / 2) {
            // About 83 jobs a shard: more records on a record Lease than the default bound (64) allows.
            extra.add("-Dbaton.jobs.max-records=128");
        }
        return ScaleGroup.batonCommand(settings, name, namespace, proxyPort, extra);
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
        Group.sleep(Duration.ofSeconds(1));
        holders.close();
        api.close();
    }
}
