package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.baton.election.AnnotationDeferral;
import dev.baton.scheduling.records.ControlKeys;
import dev.baton.scheduling.records.JobHistory;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;

/**
 * A spread job's history (issue 19) lives on its shard's history Lease, not with its record: the record Lease, written
 * with every batch of ended runs, stays the size of the records whatever the histories. The holder shows its entries
 * at once; they land when they waited long enough, when the shard is handed over, or with the next batch when they
 * answer a run request; the next holder goes on from them.
 */
class SpreadHistoryTest extends ApiServerReplicas {

    static final String HISTORY = ControlKeys.prefix(ControlKeys.HISTORY);

    /** As the application's ({@code JobLeases}), waiting {@code every}. */
    static AnnotationDeferral histories(Duration every) {
        return new AnnotationDeferral(key -> key.startsWith(HISTORY), every,
                value -> JobHistory.parse(value).stream().findFirst().map(e -> e.request() != null).orElse(false));
    }

    static List<Instant> slots(List<JobRecord> entries) {
        return entries.stream().map(JobRecord::slot).toList();
    }

    @Test
    void historiesWaitOnTheHolderLandWhenItHandsOverAndTheNextHolderGoesOnFromThem() throws Exception {
        clock.set(at("10:01:00"));
        String shard = lease("shard");
        String records = shard + "-records";
        String history = shard + "-history";
        List<RunnerReplica> all = List.of(replica("a"), replica("b"));
        all.forEach(r -> r.electShard(shard, records, history, histories(Duration.ofHours(1))));
        JobSpec tick = JobSpec.of("tick", shard);
        all.forEach(r -> r.register(tick, ran, null));
        RunnerReplica first = awaitLeader(all, shard);
        RunnerReplica second = all.stream().filter(r -> r != first).findFirst().orElseThrow();

        fireAll(all, tick, at("10:00:00"));
        fireAll(all, tick, at("10:00:10"));
        awaitRecordIn(records, tick, r -> r.slot().equals(at("10:00:10")) && r.outcome() == Outcome.SUCCEEDED);
        await().atMost(PATIENCE).until(() -> first.runner.history(tick).size() == 2);
        assertEquals(List.of(at("10:00:10"), at("10:00:00")), slots(first.runner.history(tick)),
                "the holder shows its runs at once");
        assertFalse(annotationsOf(records).keySet().stream().anyMatch(k -> k.startsWith(HISTORY)),
                "no history on the record Lease: " + annotationsOf(records).keySet());
        assertEquals(List.of(), historyIn(history, tick), "nothing written before the hour is up");
        awaitObserved(second, shard, a -> a.containsKey(tick.recordKey()));
        assertEquals(List.of(), second.runner.history(tick), "the other replica sees the history when it lands");

        first.electors.get(shard).releaseNow();
        List<JobRecord> handedOver = awaitHistoryIn(history, tick, 2);
        assertEquals(List.of(at("10:00:10"), at("10:00:00")), slots(handedOver), "written before the release");
        assertEquals(first.name, admin.leases().inNamespace(NS).withName(history).get().getSpec().getHolderIdentity(),
                "fenced by the term that wrote it");
        awaitLeader(List.of(second), shard);
        fireAll(all, tick, at("10:00:20"));
        await().atMost(PATIENCE).until(() -> second.runner.history(tick).size() == 3);
        assertEquals(List.of(at("10:00:20"), at("10:00:10"), at("10:00:00")), slots(second.runner.history(tick)),
                "the next holder adds to what the first wrote");
        assertEquals(3, ran.size(), ran.toString());
        assertEquals(2, historyIn(history, tick).size(), "the second holder's entry waits in its turn");
    }

    @Test
    void withNoWaitTheHistoriesLandWithTheNextBatchAndStillNotOnTheRecordLease() throws Exception {
        clock.set(at("10:01:00"));
        String shard = lease("shard");
        String records = shard + "-records";
        String history = shard + "-history";
        List<RunnerReplica> all = List.of(replica("a"), replica("b"));
        all.forEach(r -> r.electShard(shard, records, history, histories(Duration.ZERO)));
        JobSpec tick = JobSpec.of("tick", shard);
        all.forEach(r -> r.register(tick, ran, null));
        RunnerReplica holder = awaitLeader(all, shard);

        fireAll(all, tick, at("10:00:00"));
        assertEquals(List.of(at("10:00:00")), slots(awaitHistoryIn(history, tick, 1)));
        assertEquals(List.of(at("10:00:00") + "@" + holder.name), ran);
        assertFalse(annotationsOf(records).keySet().stream().anyMatch(k -> k.startsWith(HISTORY)),
                "no history on the record Lease: " + annotationsOf(records).keySet());
    }

    @Test
    void aRunRequestsHistoryEntryDoesNotWaitSoItsTokenIsNeverRunAgain() throws Exception {
        clock.set(at("10:01:00"));
        String shard = lease("shard");
        String records = shard + "-records";
        String history = shard + "-history";
        List<RunnerReplica> all = List.of(replica("a"), replica("b"));
        all.forEach(r -> r.electShard(shard, records, history, histories(Duration.ofHours(1))));
        JobSpec tick = JobSpec.of("tick", shard);
        all.forEach(r -> r.register(tick, ran, null));
        awaitLeader(all, shard);

        fireAll(all, tick, at("10:00:00"));
        annotate(records, m -> {
            m.put(tick.runKey(), "fix-42");
            return m;
        });
        await().atMost(PATIENCE).until(() -> statusIn(records, tick)
                .filter(s -> "fix-42".equals(s.request()) && s.outcome() == Outcome.SUCCEEDED).isPresent());
        List<JobRecord> landed = awaitHistoryIn(history, tick, 2);
        assertEquals("fix-42", landed.get(0).request(), "the request's entry landed within the hour: " + landed);
        assertTrue(landed.stream().anyMatch(e -> e.request() == null && e.slot().equals(at("10:00:00"))),
                "with the entries that waited before it: " + landed);
    }
}
