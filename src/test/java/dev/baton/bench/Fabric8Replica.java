package dev.baton.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * The baseline replica: fabric8's stock {@code LeaderElector} on a {@code LeaseLock} (release on cancel), gating
 * the same {@link SlotRun} the way users gate a job with it: a flag set by {@code onStartLeading} and cleared by
 * {@code onStopLeading}, read when a slot fires and again before the write. The API server and client settings
 * come from fabric8's {@code kubernetes.*} system properties.
 * <p>
 * Arguments: identity namespace lease leaseMs renewMs retryMs auditFile sinkUrl workMs
 */
public final class Fabric8Replica {

    public static void main(String[] args) throws Exception {
        String identity = args[0];
        String namespace = args[1];
        String lease = args[2];
        Duration leaseDuration = Duration.ofMillis(Long.parseLong(args[3]));
        Duration renewDeadline = Duration.ofMillis(Long.parseLong(args[4]));
        Duration retryPeriod = Duration.ofMillis(Long.parseLong(args[5]));
        AuditLog audit = new AuditLog(Path.of(args[6]));
        SlotRun slotRun = new SlotRun(identity, Duration.ofMillis(Long.parseLong(args[8])), audit,
                Optional.of(new FencedSinkClient(args[7])));

        KubernetesClient client = new KubernetesClientBuilder().build();
        // The epoch of the current term; -1 while not leading.
        AtomicLong epoch = new AtomicLong(-1);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean shuttingDown = new AtomicBoolean();
        LeaderCallbacks callbacks = new LeaderCallbacks(
                () -> {
                    // fabric8 does not hand the record to the callback: read leaseTransitions back.
                    Lease l = client.leases().inNamespace(namespace).withName(lease).get();
                    long e = l == null || l.getSpec().getLeaseTransitions() == null ? 0 : l.getSpec().getLeaseTransitions();
                    epoch.set(e);
                    audit.acquired(identity, e, System.currentTimeMillis());
                },
                () -> {
                    long e = epoch.getAndSet(-1);
                    if (e >= 0) {
                        audit.lost(identity, e, System.currentTimeMillis(), "STOPPED");
                    }
                    if (shuttingDown.get()) {
                        stopped.countDown();
                    }
                },
                leader -> {
                });
        LeaderElectionConfig config = electionConfig(identity, namespace, lease, leaseDuration, renewDeadline,
                retryPeriod, callbacks);
        AtomicReference<CompletableFuture<?>> election = new AtomicReference<>();

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ExecutorService workers = Executors.newCachedThreadPool();
        long first = (System.currentTimeMillis() / 1000 + 1) * 1000;
        ticker.scheduleAtFixedRate(() -> {
            // The slot is the whole second this tick belongs to, as Quarkus's cron trigger gives it.
            long slot = Math.round(System.currentTimeMillis() / 1000.0) * 1000;
            long e = epoch.get();
            if (e >= 0) {
                workers.execute(() -> slotRun.run(slot, e, () -> epoch.get() == e, false));
            }
        }, first - System.currentTimeMillis(), 1000, TimeUnit.MILLISECONDS);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ticker.shutdownNow();
            shuttingDown.set(true);
            CompletableFuture<?> current = election.get();
            if (current != null) {
                current.cancel(true);
            }
            try {
                stopped.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.close();
        }));
        // The harness times the start from this line (Baton's own is Quarkus's "started in" line, timestamped).
        System.out.println("Fabric8Replica " + identity + " started at " + System.currentTimeMillis());
        // One elector ends when leadership is lost and cannot be reused: a candidate that wants to lead again builds
        // another, as fabric8 asks.
        while (!shuttingDown.get()) {
            CompletableFuture<?> current = client.leaderElector().withConfig(config).build().start();
            election.set(current);
            current.handle((v, t) -> null).join();
        }
        Thread.currentThread().join();
    }

    /**
     * fabric8's elector on a {@code LeaseLock} as users configure it, releasing on cancel: one place for both baselines
     * (this replica and {@link Fabric8ScaleReplica}), so that they compare like with like.
     */
    static LeaderElectionConfig electionConfig(String identity, String namespace, String lease, Duration leaseDuration,
            Duration renewDeadline, Duration retryPeriod, LeaderCallbacks callbacks) {
        return new LeaderElectionConfigBuilder()
                .withName(lease)
                .withLock(new LeaseLock(namespace, lease, identity))
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(renewDeadline)
                .withRetryPeriod(retryPeriod)
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(callbacks)
                .build();
    }
}
