package dev.baton.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.baton.clock.Ticker;
import dev.baton.election.ElectionSettings;
import dev.baton.election.LeaderElector;
import dev.baton.store.KubernetesLeaseStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Not a test: what a standby costs per number of Leases. For each count, a leader holds every Lease (in this JVM,
 * product timings 15 s / 10 s / 2 s) on the Kubernetes test API server, and a standby process
 * ({@link StandbyReplica}) competes for them; printed: the standby's threads (named baton-* and all), the watch
 * requests it opened, and its CPU over a window while idle (from /proc: user + system time). Run with
 * {@code ./mvnw -B -q test -Dtest=ScaleMeasurement -Dscale.measure=true [-Dscale.leases=1,50,200
 * -Dscale.window=60 -Dscale.warmup=5]}
 * (seconds).
 */
public class ScaleMeasurement {

    @Test
    void measure() throws Exception {
        assumeTrue(Boolean.getBoolean("scale.measure"), "set -Dscale.measure=true to measure");
        int window = Integer.getInteger("scale.window", 60);
        StringBuilder table = new StringBuilder("| Leases | standby threads baton-* | standby threads total | "
                + "watch requests by the standby | standby watching | standby CPU, % of one core (" + window
                + " s idle) |\n|---|---|---|---|---|---|\n");
        for (String n : System.getProperty("scale.leases", "1,50,200").split(",")) {
            table.append(measure(Integer.parseInt(n.trim()), window)).append('\n');
            System.out.println(table);
        }
        Files.writeString(Path.of("target", "scale-measurement.md"), table);
    }

    private String measure(int leases, int window) throws Exception {
        AtomicLong watches = new AtomicLong();
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        Dispatcher crud = new KubernetesMixedDispatcher(responses, Collections.emptyList());
        KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new MockWebServer(), responses, new Dispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        String path = URLDecoder.decode(request.getPath(), StandardCharsets.UTF_8);
                        if (path.contains("/leases?") && path.contains("watch=true")) {
                            watches.incrementAndGet();
                        }
                        return crud.dispatch(request);
                    }
                }, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        List<LeaderElector> leaders = new ArrayList<>();
        Process standby = null;
        try (KubernetesClient client = server.createClient()) {
            KubernetesLeaseStore store = new KubernetesLeaseStore(client, "scale", "scale-leader");
            for (int i = 0; i < leases; i++) {
                LeaderElector e = new LeaderElector(store, new ElectionSettings("job-" + i, "leader",
                        Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)), null, Ticker.SYSTEM);
                e.start();
                leaders.add(e);
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> leaders.stream().allMatch(LeaderElector::isLeader));
            Thread.sleep(3000);
            long leaderWatches = watches.get();
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java));
            // The standby's JVM options: -Dscale.jvm="-XX:TieredStopAtLevel=1 ..." (e.g. those of jvm.options).
            command.addAll(List.of(System.getProperty("scale.jvm", "-Xmx256m").trim().split("\\s+")));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), StandbyReplica.class.getName(),
                    server.url("/"), Integer.toString(leases)));
            standby = new ProcessBuilder(command).redirectError(Path.of("target", "scale-standby-" + leases + ".log").toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(standby.getInputStream()));
            String ready;
            while ((ready = out.readLine()) != null && !ready.startsWith("READY")) {
                // skip
            }
            long standbyWatches = watches.get() - leaderWatches;
            long pid = standby.pid();
            Thread.sleep(Integer.getInteger("scale.warmup", 5) * 1000L); // past the start (and the JIT's work)
            // -Dscale.samples=N: N windows back to back, each printed; the table shows their median.
            int samples = Integer.getInteger("scale.samples", 1);
            List<Double> percents = new ArrayList<>();
            long cpu0 = cpuTicks(pid);
            Map<String, Long> threads0 = threadTicks(pid);
            long t0 = System.nanoTime();
            long cpuS = cpu0;
            long tS = t0;
            for (int s = 0; s < samples; s++) {
                Thread.sleep(window * 1000L);
                long cpuE = cpuTicks(pid);
                long tE = System.nanoTime();
                percents.add(100.0 * (cpuE - cpuS) / 100.0 / ((tE - tS) / 1e9));
                System.out.printf("standby CPU, %d Leases, sample %d: %.2f %% of one core%n", leases, s + 1,
                        percents.get(s));
                cpuS = cpuE;
                tS = tE;
            }
            Collections.sort(percents);
            long cpu1 = cpuTicks(pid);
            Map<String, Long> threads1 = threadTicks(pid);
            Map<String, Long> spent = new java.util.TreeMap<>();
            threads1.forEach((k, v) -> spent.merge(k.substring(0, k.lastIndexOf('/')).replaceAll("[0-9]+", "N")
                    .replaceAll(" .*", ""), v - threads0.entrySet().stream()
                            .filter(e -> e.getKey().endsWith(k.substring(k.lastIndexOf('/'))))
                            .mapToLong(Map.Entry::getValue).sum(), Long::sum));
            System.out.println("standby CPU ticks by thread, " + leases + " Leases: " + spent);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double percent = percents.get(percents.size() / 2); // USER_HZ = 100 on Linux (ticks / 100 = seconds)
            System.out.printf("standby CPU, %d Leases: median %.2f %%, all %s, over %.0f s %.2f %%%n", leases,
                    percent, percents, seconds, 100.0 * (cpu1 - cpu0) / 100.0 / seconds);
            leaders.forEach(e -> e.close(false, Duration.ofSeconds(2)));
            String[] f = ready.split(" ");
            return String.format("| %d | %s | %s | %d | %s | %.2f |", leases, f[1].substring(6), f[2].substring(6),
                    standbyWatches, f[3].substring(9), percent);
        } finally {
            if (standby != null) {
                standby.destroyForcibly().waitFor();
            }
            server.destroy();
        }
    }

    /** utime + stime of each thread of a process, by "name/tid", in clock ticks. */
    private static Map<String, Long> threadTicks(long pid) throws Exception {
        Map<String, Long> ticks = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(name + "/" + task.getFileName(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (java.io.IOException e) {
                    // the thread ended
                }
            }
        }
        return ticks;
    }

    /** utime + stime of a process, in clock ticks. */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
