package dev.baton.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;

/**
 * The SCALE benchmark's baseline replica: one fabric8 {@code LeaderElector} per Lease in one process and one client,
 * client-go's model for many Leases (each elector its own loop; nothing shared but the client). The Leases are the
 * Baton replica's: the service Lease and {@code n} job Leases {@code scale-0000...}. Each elector is built again when
 * it ends (fabric8's electors are single-use), from its own completion, so the harness adds no thread per Lease.
 * The API server and client settings come from fabric8's {@code kubernetes.*} system properties.
 * <p>
 * Arguments: identity namespace serviceLease n leaseMs renewMs retryMs
 */
public final class Fabric8ScaleReplica {

    public static void main(String[] args) throws Exception {
        String identity = args[0];
        String namespace = args[1];
        List<String> leases = new ArrayList<>();
        leases.add(args[2]);
        int n = Integer.parseInt(args[3]);
        for (int i = 0; i < n; i++) {
            leases.add(String.format("scale-%04d", i));
        }
        Duration leaseDuration = Duration.ofMillis(Long.parseLong(args[4]));
        Duration renewDeadline = Duration.ofMillis(Long.parseLong(args[5]));
        Duration retryPeriod = Duration.ofMillis(Long.parseLong(args[6]));

        KubernetesClient client = new KubernetesClientBuilder().build();
        AtomicBoolean shuttingDown = new AtomicBoolean();
        Map<String, CompletableFuture<?>> running = new ConcurrentHashMap<>();
        CountDownLatch released = new CountDownLatch(leases.size());
        for (String lease : leases) {
            LeaderCallbacks callbacks = new LeaderCallbacks(() -> {
            }, () -> {
            }, leader -> {
            });
            LeaderElectionConfig config = Fabric8Replica.electionConfig(identity, namespace, lease, leaseDuration,
                    renewDeadline, retryPeriod, callbacks);
            run(client, config, lease, running, shuttingDown, released);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            running.values().forEach(f -> f.cancel(true));
            try {
                released.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.close();
        }));
        System.out.println("Fabric8ScaleReplica " + identity + " started " + leases.size() + " electors");
        Thread.currentThread().join();
    }

    private static void run(KubernetesClient client, LeaderElectionConfig config, String lease,
            Map<String, CompletableFuture<?>> running, AtomicBoolean shuttingDown, CountDownLatch released) {
        CompletableFuture<?> f = client.leaderElector().withConfig(config).build().start();
        running.put(lease, f);
        f.whenComplete((v, t) -> {
            if (shuttingDown.get()) {
                released.countDown();
            } else {
                run(client, config, lease, running, shuttingDown, released);
            }
        });
    }
}
