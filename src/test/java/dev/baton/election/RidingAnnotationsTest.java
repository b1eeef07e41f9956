package dev.baton.election;

import static dev.baton.election.ExpectingStore.Verb.GET;
import static dev.baton.election.ExpectingStore.Verb.UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.baton.LeadershipLost.Reason;
import dev.baton.Term;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseStoreException;

/**
 * Annotation changes that ride on the elector's next write of the Lease ({@link PendingAnnotations}): they cost no
 * request of their own, land with the next renewal, the release or an annotation write of the same term, and never
 * in another term. Each test counts the API calls made.
 */
class RidingAnnotationsTest extends LeadingElectorFixture {

    private CompletableFuture<Boolean> queue(Term t, String key, String value) {
        return machine.termWrites.withNextWrite(t, current -> Map.of(key, value));
    }

    /** The future's value; a future still open after 10 s fails the test instead of hanging it. */
    private static boolean done(CompletableFuture<Boolean> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not completed: " + e, e);
        }
    }

    private String stored(String key) {
        return store.stored().orElseThrow().annotation(key);
    }

    @Test
    void aQueuedChangeCostsNoRequestAndLandsWithTheNextRenewal() {
        CompletableFuture<Boolean> landed = queue(term, "baton.dev/job.a", "1");
        ticker.advance(RETRY.minusMillis(1));
        assertEquals(List.of(), store.verify(), "no request of its own");
        assertFalse(landed.isDone());
        assertNull(stored("baton.dev/job.a"), "not before the renewal");

        ticker.advance(Duration.ofMillis(1));
        store.expect(UPDATE);
        machine.attempt();
        assertEquals(List.of(UPDATE), store.verify(), "the renewal is the only request");
        assertTrue(done(landed));
        assertEquals("1", stored("baton.dev/job.a"));
        assertTrue(term.isValid());
    }

    @Test
    void changesQueuedBeforeOneRenewalCoalesceEachDecidedOnTheLeaseAsWritten() {
        CompletableFuture<Boolean> first = queue(term, "baton.dev/job.a", "1");
        CompletableFuture<Boolean> second = machine.termWrites.withNextWrite(term, current -> {
            // "only if newer": decided on what is about to be written, the earlier change included
            Map<String, String> changes = new HashMap<>();
            changes.put("baton.dev/job.a", "2");
            changes.put("baton.dev/seen", current.get("baton.dev/job.a"));
            return changes;
        });
        CompletableFuture<Boolean> declined = machine.termWrites.withNextWrite(term, current -> null);
        ticker.advance(RETRY);
        store.expect(UPDATE);
        machine.attempt();
        assertEquals(List.of(UPDATE), store.verify());
        assertTrue(done(first));
        assertTrue(done(second));
        assertFalse(done(declined), "a change that declined on the version written is not reported written");
        assertEquals("2", stored("baton.dev/job.a"), "the later wins");
        assertEquals("1", stored("baton.dev/seen"));
    }

    @Test
    void aRenewalThatConflictsComputesThemAgainOnTheVersionReadAndAFailedOneKeepsThem() {
        CompletableFuture<Boolean> landed = machine.termWrites.withNextWrite(term,
                current -> Map.of("baton.dev/job.a", "after " + current.getOrDefault("team.example/owner", "-")));
        ticker.advance(RETRY);
        store.expectFailing(UPDATE, new LeaseStoreException(LeaseStoreException.Kind.SERVER_ERROR, 503, "503", null));
        machine.attempt();
        assertFalse(landed.isDone(), "a failed renewal leaves them for the next");

        LeaseRecord ours = store.stored().orElseThrow();
        Map<String, String> edited = new HashMap<>(ours.annotations());
        edited.put("team.example/owner", "payments");
        store.seed(new LeaseRecord(ours.holderIdentity(), ours.leaseDurationSeconds(), ours.acquireTime(),
                ours.renewTime(), ours.leaseTransitions(), edited));
        store.expect(UPDATE, GET, UPDATE);
        machine.attempt();
        assertEquals(List.of(UPDATE, UPDATE, GET, UPDATE), store.verify());
        assertTrue(done(landed));
        assertEquals("after payments", stored("baton.dev/job.a"));
        assertEquals("payments", stored("team.example/owner"), "another writer's annotation is kept");
    }

    @Test
    void anAnnotationWriteOfTheSameTermCarriesThemDecidedFirst() {
        CompletableFuture<Boolean> riding = queue(term, "baton.dev/job.a", "final");
        store.expect(UPDATE);
        assertTrue(done(annotations.update(term, current -> Map.of("baton.dev/job.b",
                "saw " + current.get("baton.dev/job.a")))));
        assertEquals(List.of(UPDATE), store.verify());
        assertTrue(done(riding), "carried by the write that happened anyway");
        assertEquals("final", stored("baton.dev/job.a"));
        assertEquals("saw final", stored("baton.dev/job.b"), "the write is decided on the Lease with them applied");

        ticker.advance(RETRY);
        store.expect(UPDATE);
        machine.attempt(); // a plain renewal: nothing left to carry, nothing written twice
        assertEquals("final", stored("baton.dev/job.a"));
    }

    @Test
    void theReleaseCarriesThem() {
        CompletableFuture<Boolean> landed = queue(term, "baton.dev/job.a", "1");
        store.expect(UPDATE);
        machine.releaseNow();
        assertEquals(List.of(UPDATE), store.verify(), "one write: the release");
        assertTrue(done(landed));
        LeaseRecord released = store.stored().orElseThrow();
        assertNull(released.holderIdentity());
        assertEquals("1", released.annotation("baton.dev/job.a"));
    }

    @Test
    void aShutdownThatReleasesCarriesThem() {
        CompletableFuture<Boolean> landed = queue(term, "baton.dev/job.a", "1");
        store.expect(UPDATE);
        machine.shutDown(true);
        assertEquals(List.of(UPDATE), store.verify());
        assertTrue(done(landed));
        assertEquals("1", stored("baton.dev/job.a"));
    }

    @Test
    void aTermThatEndsFirstDropsThemAndTheNextTermNeverWritesThem() {
        CompletableFuture<Boolean> lost = queue(term, "baton.dev/job.a", "term 1");
        ticker.advance(DEADLINE); // no renewal in time: the term is over by the clock
        assertFalse(term.isValid());
        store.expect(UPDATE); // the late renewal lands (the Lease still shows us) and ends the term
        assertEquals(0, machine.attempt());
        assertEquals(Reason.RENEW_DEADLINE_PASSED, observer.lost(0).event().reason());
        assertFalse(done(lost), "dropped: their term ended before a write carried them");
        assertNull(stored("baton.dev/job.a"), "not carried by a renewal sent after the deadline");

        store.expect(GET, UPDATE); // the take of a new term
        machine.attempt();
        Term second = machine.currentTerm().orElseThrow();
        assertNotSame(term, second);
        assertFalse(done(queue(term, "baton.dev/job.a", "term 1 again")), "an ended term queues nothing");
        ticker.advance(RETRY);
        store.expect(UPDATE);
        machine.attempt();
        assertEquals(List.of(UPDATE, GET, UPDATE, UPDATE), store.verify());
        assertNull(stored("baton.dev/job.a"), "a change of term 1 never lands in term 2");
    }

    @Test
    void changesQueuedInOneTermAreNotCarriedByTheTakeOfTheNext() {
        // Queued while valid, then the term is taken away; this process takes the Lease back at once afterwards.
        CompletableFuture<Boolean> lost = queue(term, "baton.dev/job.a", "term 1");
        store.seed(ElectorStateMachineFixture.heldBy("intruder", 15, 9));
        store.expect(UPDATE, GET);
        ticker.advance(RETRY);
        machine.attempt();
        assertEquals(Reason.TAKEN, observer.lost(0).event().reason());
        assertFalse(done(lost));
        store.seed(new LeaseRecord(null, 1, null, null, 9, Map.of(LeaderElector.RELEASED_BY_ANNOTATION, "intruder-process")));
        store.expect(GET, UPDATE);
        machine.attempt();
        assertTrue(machine.currentTerm().isPresent());
        assertNull(stored("baton.dev/job.a"));
    }
}
