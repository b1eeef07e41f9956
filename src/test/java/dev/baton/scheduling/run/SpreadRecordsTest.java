package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * A spread job (issue 19) on two replicas and the test API server: its records go to the shard's record Lease, never
 * to the shard Lease its holder renews; the next holder fences the record Lease before it acts, reads the records
 * there, and runs no recorded slot again.
 */
class SpreadRecordsTest extends ApiServerReplicas {

    @Test
    void aSpreadJobsRecordsLiveOnTheRecordLeaseAndAHandoverRunsNoSlotTwice() throws Exception {
        clock.set(at("10:01:00"));
        String shard = lease("shard");
        String records = shard + "-records";
        List<RunnerReplica> all = List.of(replica("a"), replica("b"));
        all.forEach(r -> r.electShard(shard, records));
        JobSpec tick = JobSpec.of("tick", shard);
        all.forEach(r -> r.register(tick, ran, null));
        RunnerReplica first = awaitLeader(all, shard);

        fireAll(all, tick, at("10:00:00"));
        assertEquals(List.of(at("10:00:00") + "@" + first.name), ran);
        JobRecord landed = awaitRecordIn(records, tick, r -> r.outcome() == JobRecord.Outcome.SUCCEEDED);
        assertEquals(at("10:00:00"), landed.slot());
        assertFalse(annotationsOf(shard).keySet().stream().anyMatch(k -> k.contains("tick")),
                "nothing of the job on the shard Lease: " + annotationsOf(shard));

        first.electors.get(shard).releaseNow();
        RunnerReplica second = awaitLeader(all.stream().filter(r -> r != first).toList(), shard);
        await().atMost(PATIENCE).until(() -> second.name.equals(recordLease(records).getSpec().getHolderIdentity()));
        assertTrue(recordLease(records).getSpec().getLeaseTransitions() >= 1, "fenced with the new term's epoch");

        fireAll(all, tick, at("10:00:00")); // the new holder's scheduler fires the recorded slot late
        assertEquals(1, ran.size(), "a recorded slot is not run again: " + ran);
        fireAll(all, tick, at("10:00:10"));
        assertEquals(at("10:00:10") + "@" + second.name, ran.get(ran.size() - 1));
        assertEquals(2, ran.size(), ran.toString());
    }

    private static Lease recordLease(String name) {
        return admin.leases().inNamespace(NS).withName(name).get();
    }
}
