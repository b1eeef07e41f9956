package dev.baton.election;

import static dev.baton.election.ExpectingStore.Verb.GET;
import static dev.baton.election.ExpectingStore.Verb.UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.baton.LeadershipLost.Reason;
import dev.baton.store.LeaseRecord;

/** Writes of annotations within a term: one conditional request, one re-read after a conflict, none without a term. */
class LeaseAnnotationsTest extends LeadingElectorFixture {

    @Test
    void aWriteIsOneConditionalUpdateThatKeepsTheRecord() {
        store.expect(UPDATE);
        assertTrue(annotations.update(term, current -> Map.of("baton.dev/job.a", "1")).join());
        assertEquals(List.of(UPDATE), store.verify());
        LeaseRecord stored = store.stored().orElseThrow();
        assertEquals("1", stored.annotation("baton.dev/job.a"));
        assertEquals(machine.instanceId(), stored.annotation(LeaderElector.INSTANCE_ANNOTATION));

        Map<String, String> remove = new HashMap<>();
        remove.put("baton.dev/job.a", null);
        store.expect(UPDATE);
        assertTrue(annotations.update(term, current -> remove).join());
        assertEquals(null, store.stored().orElseThrow().annotation("baton.dev/job.a"), "null removes");
    }

    @Test
    void aConflictIsReadAgainOnceAndTheChangeComputedOnTheFreshVersion() {
        LeaseRecord ours = store.stored().orElseThrow();
        Map<String, String> edited = new HashMap<>(ours.annotations());
        edited.put("team.example/owner", "payments");
        store.seed(new LeaseRecord(ours.holderIdentity(), ours.leaseDurationSeconds(), ours.acquireTime(),
                ours.renewTime(), ours.leaseTransitions(), edited));
        List<Map<String, String>> seen = new java.util.ArrayList<>();
        store.expect(UPDATE, GET, UPDATE);
        assertTrue(annotations.update(term, current -> {
            seen.add(current);
            return Map.of("baton.dev/job.a", "1");
        }).join());
        assertEquals(List.of(UPDATE, GET, UPDATE), store.verify());
        assertEquals("payments", seen.get(1).get("team.example/owner"), "decided on the version written");
        assertEquals("payments", store.stored().orElseThrow().annotation("team.example/owner"));
    }

    @Test
    void aLeaseTakenMeanwhileEndsTheTermAndWritesNothing() {
        store.seed(ElectorStateMachineFixture.heldBy("intruder", 15, 9));
        store.expect(UPDATE, GET);
        assertFalse(annotations.update(term, current -> Map.of("baton.dev/job.a", "1")).join());
        assertEquals(List.of(UPDATE, GET), store.verify());
        assertEquals(Reason.TAKEN, observer.lost(0).event().reason());
    }

    @Test
    void withoutAValidTermOrWhenDeclinedNothingIsSent() {
        assertFalse(annotations.update(term, current -> null).join());
        ticker.advance(Duration.ofSeconds(10));
        assertFalse(term.isValid());
        assertFalse(annotations.update(term, current -> Map.of("k", "v")).join());
        assertEquals(List.of(), store.verify());
    }
}
