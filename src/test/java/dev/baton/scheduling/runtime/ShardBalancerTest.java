package dev.baton.scheduling.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.baton.clock.Ticker;
import dev.baton.election.ElectionObserver;
import dev.baton.election.ElectionSettings;
import dev.baton.election.LeaderElector;
import dev.baton.election.PauseBeforeTaking;
import dev.baton.election.Shards;
import dev.baton.store.KubernetesLeaseStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Shards move to a replica that holds fewer (issue 19): one replica took all four shards before the other started;
 * with both balancing, they end two and two, each moved by a release and a take, on the test API server.
 */
class ShardBalancerTest {

    static final String SERVICE = "svc";
    final KubernetesServer server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        server.after();
    }

    @Test
    void aReplicaThatJoinsLaterIsHandedShardsUntilTheSharesAreEven() {
        server.before();
        Map<String, LeaderElector> a = replica("a");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> held(a) == 4);
        Map<String, LeaderElector> b = replica("b");

        balance("a", a);
        balance("b", b);

        Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> held(a) == 2 && held(b) == 2);
        assertEquals(4, held(a) + held(b));
    }

    /**
     * Shards are weighed by their jobs: with 5, 1, 1 and 1 jobs on them, the replica that joins is handed the shard of
     * five (five jobs against three), not two shards of one job each (two against six, which even numbers of shards
     * would call balanced).
     */
    @Test
    void sharesAreEvenedOutInJobsNotInShards() {
        server.before();
        Map<String, Integer> jobs = Map.of(Shards.shardLease(SERVICE, 0), 5);
        ToIntFunction<String> jobsOn = lease -> jobs.getOrDefault(lease, 1);
        Map<String, LeaderElector> a = replica("a");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> held(a) == 4);
        Map<String, LeaderElector> b = replica("b");

        balance("a", a, jobsOn);
        balance("b", b, jobsOn);

        String heavy = Shards.shardLease(SERVICE, 0);
        Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> b.get(heavy).isLeader() && held(a) == 3);
        assertEquals(1, held(b), "and nothing more: taking a shard of one job would leave b with six of eight");
    }

    private Map<String, LeaderElector> replica(String name) {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(server.getClient().getConfiguration())
                .build();
        closing.add(client);
        KubernetesLeaseStore store = new KubernetesLeaseStore(client, "balance", "baton-test");
        Map<String, LeaderElector> electors = new TreeMap<>();
        for (int k = 0; k < 4; k++) {
            String shard = Shards.shardLease(SERVICE, k);
            LeaderElector e = new LeaderElector(store, new ElectionSettings(shard, name, Duration.ofSeconds(2),
                    Duration.ofMillis(1200), Duration.ofMillis(300)), ElectionObserver.NONE, Ticker.SYSTEM,
                    PauseBeforeTaking.NONE, Shards.recordLease(SERVICE, k));
            electors.put(shard, e);
            closing.add(() -> e.close(false, Duration.ofSeconds(2)));
            e.start();
        }
        return electors;
    }

    private void balance(String name, Map<String, LeaderElector> electors) {
        balance(name, electors, lease -> 1);
    }

    private void balance(String name, Map<String, LeaderElector> electors, ToIntFunction<String> jobsOn) {
        LeaderElector any = electors.values().iterator().next();
        ShardBalancer balancer = new ShardBalancer(name, () -> electors, any.store(),
                lease -> Optional.ofNullable(electors.get(lease)).flatMap(LeaderElector::recordLease), jobsOn);
        closing.add(balancer::stop);
        balancer.start();
    }

    private static int held(Map<String, LeaderElector> electors) {
        return (int) electors.values().stream().filter(LeaderElector::isLeader).count();
    }
}
