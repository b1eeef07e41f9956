package dev.baton.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import dev.baton.election.Shards;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What a service that has run for a while has on its Leases, written before the replicas start: each job's record
 * ({@code baton.dev/job.<id>}) and a full history ({@code baton.dev/history.<id>}, ten entries), in the places and
 * format the release writes them (its docs show them), so that the API cost benchmark measures
 * a steady service, not one in its first ten minutes. Written as JSON text, not with the product's classes: the
 * harness states the format it expects, as an older replica would have written it. Epoch 0, so that every term of
 * the measured replicas may believe them.
 */
final class ApiCostSeed {

    /** A pod name of today's usual length (a Deployment's: name, ReplicaSet hash, pod suffix). */
    static final String REPLICA = "worker-7d8f9b6c4d-abc12";
    static final int HISTORY = 10;

    private ApiCostSeed() {
    }

    /** Creates the job's Lease, not held, with its record and history (the layout before issue 19). */
    static void jobLease(KubernetesClient client, String namespace, String lease, String jobId) {
        client.leases().inNamespace(namespace).resource(new LeaseBuilder().withNewMetadata().withName(lease)
                .withAnnotations(annotations(jobId)).endMetadata().withNewSpec().endSpec().build()).create();
    }

    /**
     * Creates the record and history Leases of every shard that has some of the first {@code jobs} spread jobs, not
     * fenced yet, with their records and histories (issue 19's layout: records on {@code -records-NN}, histories on
     * {@code -history-NN}).
     */
    static void recordLeases(KubernetesClient client, String namespace, String serviceLease, int jobs) {
        Map<Integer, Map<String, String>> records = new java.util.TreeMap<>();
        Map<Integer, Map<String, String>> histories = new java.util.TreeMap<>();
        for (int i = 0; i < jobs; i++) {
            String id = ApiCostGroup.jobId(i);
            annotations(id).forEach((key, value) -> (key.startsWith("baton.dev/history.") ? histories : records)
                    .computeIfAbsent(Shards.of(id), k -> new LinkedHashMap<>()).put(key, value));
        }
        records.forEach((shard, a) -> create(client, namespace, Shards.recordLease(serviceLease, shard), a));
        histories.forEach((shard, a) -> create(client, namespace, Shards.historyLease(serviceLease, shard), a));
    }

    private static void create(KubernetesClient client, String namespace, String name, Map<String, String> a) {
        client.leases().inNamespace(namespace).resource(new LeaseBuilder().withNewMetadata().withName(name)
                .withAnnotations(a).endMetadata().withNewSpec().endSpec().build()).create();
    }

    static Map<String, String> annotations(String jobId) {
        Instant last = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES);
        Map<String, String> a = new LinkedHashMap<>();
        a.put("baton.dev/job." + jobId, entry(last));
        StringJoiner history = new StringJoiner(",", "[", "]");
        for (int i = 0; i < HISTORY; i++) {
            history.add(entry(last.minus(i, ChronoUnit.MINUTES)));
        }
        a.put("baton.dev/history." + jobId, history.toString());
        return a;
    }

    private static String entry(Instant slot) {
        return "{\"slot\":\"" + slot + "\",\"replica\":\"" + REPLICA + "\",\"epoch\":0,\"outcome\":\"SUCCEEDED\","
                + "\"durationMs\":4,\"finishedAt\":\"" + slot.plusMillis(12) + "\""
                + ",\"trigger\":\"schedule\"}";
    }
}
