package dev.baton.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.baton.clock.Ticker;
import dev.baton.election.ElectionSettings;
import dev.baton.election.LeaderElector;
import dev.baton.store.KubernetesLeaseStore;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Not a test: a standby process for {@link ScaleMeasurement}. {@code main(url, leases)} competes for {@code job-0 ..
 * job-(leases-1)} in namespace {@code scale} with the product's timings (15 s / 10 s / 2 s), prints one line
 * {@code READY baton=<threads named baton-*> total=<all threads> watching=<electors watching>} once every Lease shows
 * the other replica as leader, then idles until killed (its CPU is what the measurement reads).
 */
public final class StandbyReplica {

    public static void main(String[] args) throws Exception {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(args[0]).withTrustCerts(true).withNamespace("scale").withHttp2Disable(true).build())
                .build();
        KubernetesLeaseStore store = new KubernetesLeaseStore(client, "scale", "scale-standby");
        int leases = Integer.parseInt(args[1]);
        List<LeaderElector> electors = new ArrayList<>();
        for (int i = 0; i < leases; i++) {
            LeaderElector e = new LeaderElector(store, new ElectionSettings("job-" + i, "standby",
                    Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)), null, Ticker.SYSTEM);
            e.start();
            electors.add(e);
        }
        while (!electors.stream().allMatch(e -> e.holder().equals(Optional.of("leader")))) {
            Thread.sleep(100);
        }
        Thread.sleep(3000); // let every watch open
        long baton = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("baton-")).count();
        long watching = electors.stream().filter(LeaderElector::isWatching).count();
        System.out.println("READY baton=" + baton + " total=" + Thread.getAllStackTraces().size() + " watching="
                + watching);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
