package dev.baton.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.baton.Term;
import dev.baton.clock.Ticker;
import dev.baton.store.KubernetesLeaseStore;
import dev.baton.store.ThrottlingApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Issue 19: what a shard's holder writes every retry period does not grow with its jobs or their history. One job
 * and five hundred, each with a record, and full histories for as many as a shard holds when 500 jobs are spread
 * (42: all five hundred would take a record Lease past the 256 KiB Kubernetes allows for annotations), on the test
 * API server: the renewal PUT of the shard Lease is the same size, and the records are on the record Lease.
 */
class ShardRenewalSizeTest {

    static final String SHARD = "svc-shard-00";
    static final String RECORDS = "svc-records-00";

    @Test
    void aShardRenewalIsTheSameSizeWithOneJobAsWithFiveHundredAndTheirHistories() {
        int one = renewalBytesAfterRecordsOf(1);
        int many = renewalBytesAfterRecordsOf(500);

        // The same up to the digits of a time or a version; one record and history alone are ~2 KB.
        assertTrue(Math.abs(many - one) <= 16, "renewal PUT with 1 job: " + one + " bytes, with 500: " + many);
        assertTrue(many <= 1024, "a renewal of " + many + " bytes");
    }

    private static int renewalBytesAfterRecordsOf(int jobs) {
        try (ThrottlingApiServer server = new ThrottlingApiServer(); KubernetesClient client = server.client()) {
            KubernetesLeaseStore store = new KubernetesLeaseStore(client, "shards", "baton-test");
            RecordingObserver observer = new RecordingObserver();
            LeaderElector elector = new LeaderElector(store, new ElectionSettings(SHARD, "holder",
                    Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500)), observer, Ticker.SYSTEM,
                    PauseBeforeTaking.NONE, RECORDS);
            try {
                elector.start();
                Term term = observer.acquired(0).term();
                List<CompletableFuture<Boolean>> written = IntStream.range(0, jobs)
                        .mapToObj(i -> elector.updateAnnotationsWithNextRenewal(term, a -> i < 42
                                ? Map.of("baton.dev/job.job-" + i, entry(i), "baton.dev/history.job-" + i, history(i))
                                : Map.of("baton.dev/job.job-" + i, entry(i))))
                        .toList();
                CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
                assertTrue(written.stream().allMatch(CompletableFuture::join), "every record written");
                assertEquals(jobs + Math.min(jobs, 42), client.leases().inNamespace("shards").withName(RECORDS).get()
                        .getMetadata().getAnnotations().keySet().stream().filter(k -> k.contains(".job-")).count(),
                        "records and histories on the record Lease");

                int before = renewals(server).size();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> renewals(server).size() >= before + 2);
                List<ThrottlingApiServer.Put> after = renewals(server);
                return after.get(after.size() - 1).bytes();
            } finally {
                elector.close(false, Duration.ofSeconds(2));
            }
        }
    }

    private static List<ThrottlingApiServer.Put> renewals(ThrottlingApiServer server) {
        return server.puts().stream().filter(p -> p.lease().equals(SHARD) && !p.throttled()).toList();
    }

    private static String entry(int i) {
        return "{\"slot\":\"2026-12-07T21:00:00Z\",\"replica\":\"worker-7d8f9b6c4d-abc12\",\"epoch\":1,"
                + "\"outcome\":\"SUCCEEDED\",\"durationMs\":" + (4 + i % 10) + ",\"finishedAt\":"
                + "\"2026-12-07T21:00:00.012Z\",\"trigger\":\"schedule\"}";
    }

    private static String history(int i) {
        return "[" + String.join(",", java.util.Collections.nCopies(10, entry(i))) + "]";
    }
}
