package dev.baton.scheduling.run;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.baton.election.AnnotationDeferral;
import dev.baton.scheduling.records.ControlKeys;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.JobSpec;

/**
 * A spread job's history (issue 19) lives on its shard's history Lease, not with its record: the record Lease, written
 * with every batch of ended runs, stays the size of the records whatever the histories. The holder shows its entries
 * at once; they land when they waited long enough or when the shard is handed over, and the next holder goes on
 * from them. A run request still runs at most once when the history that showed its token is lost.
 */
class SpreadHistoryTest extends ApiServerReplicas {

    static final String HISTORY = ControlKeys.prefix(ControlKeys.HISTORY);

    /** As the application's ({@code JobLeases}), waiting {@code every}. */
    static AnnotationDeferral histories(Duration every) {
        return new AnnotationDeferral(key -> key.startsWith(HISTORY), every);
    }

    static List<Instant> slots(List<JobRecord> entries) {
        return entries.stream().map(JobRecord::slot).toList();
    }

    @Test
    void historiesWaitOnTheHolderLandWhenItHandsOverAndTheNextHolderGoesOnFromThem() throws Exception {
        clock.set(at("10:01:00"));
        String shard = lease("shard");
        String records = records(shard);
        String history = history(shard);
        JobSpec tick = JobSpec.of("tick", shard);
        List<RunnerReplica> all = List.of(onShard("a", shard, Duration.ofHours(1), tick),
                onShard("b", shard, Duration.ofHours(1), tick));
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
        awaitLeader(List.of(second), shard);
        await().atMost(PATIENCE).until(() -> second.name.equals(
                admin.leases().inNamespace(NS).withName(history).get().getSpec().getHolderIdentity()));
        assertEquals(2, historyIn(history, tick).size(), "the next term fences it when it begins, keeping it all");
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
        String records = records(shard);
        String history = history(shard);
        JobSpec tick = JobSpec.of("tick", shard);
        List<RunnerReplica> all = List.of(onShard("a", shard, Duration.ZERO, tick),
                onShard("b", shard, Duration.ZERO, tick));
        RunnerReplica holder = awaitLeader(all, shard);

        fireAll(all, tick, at("10:00:00"));
        assertEquals(List.of(at("10:00:00")), slots(awaitHistoryIn(history, tick, 1)));
        assertEquals(List.of(at("10:00:00") + "@" + holder.name), ran);
        assertFalse(annotationsOf(records).keySet().stream().anyMatch(k -> k.startsWith(HISTORY)),
                "no history on the record Lease: " + annotationsOf(records).keySet());
    }

    /**
     * The history that would show an earlier request's token is lost with its holder; the token, asked for again
     * after a later request, still does not run (its run status no longer names it either).
     */
    @Test
    void aRequestAnsweredBeforeTheLastOneDoesNotRunAgainAfterItsHolderDiedWithItsHistory() throws Exception {
        clock.set(at("10:01:00"));
        String shard = lease("shard");
        String records = records(shard);
        String history = history(shard);
        JobSpec tick = JobSpec.of("tick", shard);
        JobSpec marker = JobSpec.of("marker", shard);
        RunnerReplica first = onShard("a", shard, Duration.ofHours(1), tick, marker);
        awaitLeader(List.of(first), shard);

        for (String token : List.of("fix-41", "fix-42")) {
            request(records, tick, token);
            awaitAnswered(records, tick, token);
        }
        assertEquals(2, ran.size(), ran.toString());
        first.crash(); // its history never landed
        assertEquals(List.of(), historyIn(history, tick));
        // A replica that never saw fix-41 answered: only the Leases can tell it.
        RunnerReplica second = onShard("b", shard, Duration.ofHours(1), tick, marker);
        awaitLeader(List.of(second), shard);

        annotate(records, m -> {
            m.put(tick.runKey(), "fix-41");
            m.put(marker.runKey(), "sync-1");
            return m;
        });
        // The marker's run ends and its status lands a round after both requests were looked at together.
        awaitAnswered(records, marker, "sync-1");
        assertEquals(1, ran.stream().filter(r -> r.endsWith("(request fix-41)")).count(),
                "fix-41 ran once, before the crash: " + ran);
        assertEquals("fix-42", statusIn(records, tick).orElseThrow().request());
    }

    static String records(String shard) {
        return shard + "-records";
    }

    static String history(String shard) {
        return shard + "-history";
    }

    /** A replica competing for {@code shard}, its histories waiting {@code every}, running {@code jobs}. */
    private RunnerReplica onShard(String name, String shard, Duration every, JobSpec... jobs) {
        RunnerReplica r = replica(name);
        for (JobSpec job : jobs) {
            r.register(job, ran, null);
        }
        r.electShard(shard, records(shard), history(shard), histories(every));
        return r;
    }

    private static void request(String records, JobSpec job, String token) {
        annotate(records, m -> {
            m.put(job.runKey(), token);
            return m;
        });
    }

    private static void awaitAnswered(String records, JobSpec job, String token) {
        await().atMost(PATIENCE).until(() -> statusIn(records, job)
                .filter(s -> token.equals(s.request()) && s.outcome() == Outcome.SUCCEEDED).isPresent());
    }
}
