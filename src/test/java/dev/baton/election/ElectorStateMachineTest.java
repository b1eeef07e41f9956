package dev.baton.election;

import static dev.baton.election.ExpectingStore.Verb.CREATE;
import static dev.baton.election.ExpectingStore.Verb.GET;
import static dev.baton.election.ExpectingStore.Verb.UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.baton.LeadershipLost.Reason;
import dev.baton.Term;
import dev.baton.clock.TestClock;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStoreException;

/**
 * The election's decisions, as client-go's {@code leaderelection_test.go} tests them: seed a state, call the
 * decision once ({@code attempt}, {@code changed}, {@code releaseNow}), then assert what it decided, the exact API
 * calls it made (the store fails on any other) and when it wants the next round. Time is a {@link TestClock} and
 * jitter is zero, so delays are exact; nothing sleeps.
 */
class ElectorStateMachineTest extends ElectorStateMachineFixture {

    // ---------------------------------------------------------------- taking

    @Test
    void withoutALeaseACandidateCreatesItAndItsTermBegins() {
        store.expect(GET, CREATE);
        long next = machine.attempt();

        assertEquals(List.of(GET, CREATE), store.verify());
        Term term = machine.currentTerm().orElseThrow();
        assertEquals(0, term.epoch());
        LeaseRecord written = store.stored().orElseThrow();
        assertEquals("me", written.holderIdentity());
        assertEquals(15, written.leaseDurationSeconds());
        assertEquals(machine.instanceId(), written.annotation(LeaderElector.INSTANCE_ANNOTATION));
        assertEquals(nanos(RETRY), next, "a leader renews one retry period after the send");
        assertEquals(List.of("me became leader (epoch 0)"), store.events);
    }

    @Test
    void aLeaseHeldElsewhereIsTakenOnlyWhenItExpiresOnOurClockNotByItsRenewTime() {
        // renewTime an hour ago on another machine's clock: irrelevant, we saw it just now.
        store.seed(new LeaseRecord("other", 15, Instant.EPOCH, Instant.now().minusSeconds(3600), 3,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, "other-process")));
        store.expect(GET);
        assertEquals(nanos(RETRY), machine.attempt(), "a poller reads again one retry period later");
        assertEquals(Optional.of("other"), machine.holder());
        assertFalse(machine.currentTerm().isPresent());

        ticker.advance(Duration.ofSeconds(14));
        store.expect(GET);
        assertEquals(pastExpiry(Duration.ofSeconds(1)), machine.attempt(), "the next round comes at expiry");
        assertEquals(List.of(GET, GET), store.verify());

        ticker.advance(Duration.ofSeconds(1).plusMillis(1));
        store.expect(GET, UPDATE);
        machine.attempt();
        assertEquals(List.of(GET, UPDATE), store.verify());
        assertEquals(4, machine.currentTerm().orElseThrow().epoch(), "a new term: one above the Lease's count");
    }

    @Test
    void expiryCountsFromTheLastChangeSeenNotTheFirst() {
        store.seed(heldBy("other", 15, 3));
        store.expect(GET);
        machine.attempt();
        ticker.advance(Duration.ofSeconds(10));
        store.seed(new LeaseRecord("other", 15, Instant.EPOCH, Instant.now(), 3,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, "other-process"))); // a renewal
        store.expect(GET);
        machine.attempt();

        ticker.advance(Duration.ofSeconds(5).plusMillis(1)); // 15 s after the first sight, 5 s after the renewal
        store.expect(GET);
        machine.attempt();
        assertEquals(List.of(GET, GET, GET), store.verify());
        assertFalse(machine.currentTerm().isPresent());
    }

    @Test
    void aWatchingStandbySendsNothingUntilTheLeaseExpiresAndEachRenewalPushesItsTimer() {
        watching = true;
        store.seed(heldBy("other", 15, 3));
        store.expect(GET);
        assertEquals(pastExpiry(LEASE), machine.attempt(), "no polling: one timer, at expiry");

        ticker.advance(Duration.ofSeconds(10));
        LeaseSnapshot renewal = store.seed(new LeaseRecord("other", 15, Instant.EPOCH, Instant.now(), 3,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, "other-process")));
        assertEquals(pastExpiry(LEASE), machine.changed(Optional.of(renewal)), "re-armed from this renewal");
        assertEquals(NONE, machine.changed(Optional.of(renewal)), "the same event twice changes nothing");
        assertEquals(List.of(GET), store.verify());
    }

    @Test
    void aLeaseReleasedByItsHolderIsTakenAtOnce() {
        store.seed(heldBy("other", 15, 3));
        store.expect(GET);
        machine.attempt();
        LeaseSnapshot released = store.seed(new LeaseRecord(null, 1, Instant.EPOCH, Instant.EPOCH, 3,
                Map.of(LeaderElector.RELEASED_BY_ANNOTATION, "other-process")));
        assertEquals(0, machine.changed(Optional.of(released)), "a released Lease is worth a round now");

        store.expect(GET, UPDATE);
        machine.attempt();
        assertEquals(List.of(GET, GET, UPDATE), store.verify());
        assertEquals(4, machine.currentTerm().orElseThrow().epoch());
    }

    @Test
    void aHolderClearedBySomeoneElseIsNotTakenBeforeItsLeaseRunsOut() {
        store.seed(heldBy("other", 15, 3));
        store.expect(GET);
        machine.attempt();
        ticker.advance(Duration.ofSeconds(1));
        store.seed(new LeaseRecord(null, 15, null, null, 3, Map.of())); // kubectl edit: holder cleared
        store.expect(GET);
        assertEquals(pastExpiry(LEASE), machine.attempt(), "waits the cleared holder's duration");

        ticker.advance(LEASE.minusNanos(1));
        store.expect(GET);
        machine.attempt();
        assertFalse(machine.currentTerm().isPresent(), "not before it runs out");
        ticker.advance(Duration.ofMillis(1));
        store.expect(GET, UPDATE);
        machine.attempt();
        assertEquals(List.of(GET, GET, GET, GET, UPDATE), store.verify());
        assertTrue(machine.currentTerm().isPresent());
    }

    @Test
    void aLeaseDeletedUnderALiveHolderIsNotRecreatedByAStandbyBeforeThatHolderRunsOut() {
        store.seed(heldBy("other", 15, 3));
        store.expect(GET);
        machine.attempt();
        store.delete();
        ticker.advance(Duration.ofSeconds(1));
        store.expect(GET);
        machine.attempt();
        assertEquals(List.of(GET, GET), store.verify(), "no create while the holder may still act");

        ticker.advance(LEASE.plusMillis(1));
        store.expect(GET, CREATE);
        machine.attempt();
        assertEquals(List.of(GET, CREATE), store.verify());
        assertEquals(4, machine.currentTerm().orElseThrow().epoch(), "above every epoch seen, across the deletion");
    }

    @Test
    void anotherProcessWithTheSameIdentityIsWaitedForLikeAnyHolder() {
        store.seed(heldBy("me", 15, 3)); // identity "me", another process's instance id
        store.expect(GET);
        machine.attempt();
        ticker.advance(Duration.ofSeconds(14));
        store.expect(GET);
        machine.attempt();
        assertEquals(List.of(GET, GET), store.verify());
        assertFalse(machine.currentTerm().isPresent());
    }

    @Test
    void aHeldLeaseWithAnUnusableDurationIsJudgedByOurOwn() {
        store.seed(heldBy("broken-writer", 0, 3));
        store.expect(GET);
        machine.attempt();
        ticker.advance(Duration.ofSeconds(1)); // a zero duration taken literally would have expired
        store.expect(GET);
        machine.attempt();
        assertFalse(machine.currentTerm().isPresent());

        ticker.advance(Duration.ofSeconds(14).plusMillis(1));
        store.expect(GET, UPDATE);
        machine.attempt();
        assertEquals(List.of(GET, GET, GET, UPDATE), store.verify());
        assertEquals(15, store.stored().orElseThrow().leaseDurationSeconds());
    }

    @Test
    void aTakeThatLosesTheRaceIsALossNotAnError() {
        store.seed(new LeaseRecord(null, 15, null, null, 3, Map.of()));
        store.expectThen(GET, () -> store.seed(heldBy("faster", 15, 4))).expect(UPDATE);
        machine.attempt();
        assertEquals(List.of(GET, UPDATE), store.verify());
        assertFalse(machine.currentTerm().isPresent());
        assertTrue(machine.lastFailure().isEmpty(), "a lost race is a normal answer");
        assertEquals("faster", store.stored().orElseThrow().holderIdentity());
    }

    @Test
    void aWinAnsweredAfterTheRenewDeadlineStartsNoTermUntilARenewalSucceeds() {
        store.expect(GET).expectThen(CREATE, () -> ticker.advance(DEADLINE.plusSeconds(1)));
        assertEquals(0, machine.attempt(), "our record is in the Lease: retake at once");
        assertFalse(machine.currentTerm().isPresent(), "no term announced already over");
        assertTrue(observer.acquired.isEmpty());

        pause = Duration.ofSeconds(1); // retaking our own record is not a take from anyone: no pause
        store.expect(GET, UPDATE);
        machine.attempt();
        assertEquals(List.of(GET, CREATE, GET, UPDATE), store.verify());
        assertTrue(observer.acquired(0).validWhenAnnounced());
        assertEquals(1, observer.acquired.size());
        assertEquals(1, machine.currentTerm().orElseThrow().epoch(), "a new term, a new epoch");
    }

    @Test
    void forbiddenIsRetriedWithBackoffDoublingUpToTheLeaseDurationUntilGranted() {
        LeaseStoreException forbidden = new LeaseStoreException(LeaseStoreException.Kind.FORBIDDEN, 403,
                "403 forbidden: the ServiceAccount may not 'get' leases.coordination.k8s.io", null);
        long[] expected = { 2, 4, 8, 15, 15 };
        for (long seconds : expected) {
            store.expectFailing(GET, forbidden);
            assertEquals(Duration.ofSeconds(seconds).toNanos(), machine.attempt());
            ticker.advance(Duration.ofSeconds(seconds));
        }
        assertEquals(LeaseStoreException.Kind.FORBIDDEN, machine.lastFailure().orElseThrow().kind());
        assertTrue(machine.lastFailure().get().getMessage().contains("'get'"));
        assertEquals(List.of(GET, GET, GET, GET, GET), store.verify(), "one request per round, no retries within");

        store.expect(GET, CREATE);
        assertEquals(nanos(RETRY), machine.attempt());
        assertTrue(machine.currentTerm().isPresent());
        assertTrue(machine.lastFailure().isEmpty());
    }

    // ---------------------------------------------------------------- leading

    @Test
    void aLeaderRenewsFromItsOwnLastWriteWithOneRequestAndStepsDownAtTheRenewDeadline() {
        ElectionTerm term = lead();
        ticker.advance(RETRY);
        store.expect(UPDATE);
        assertEquals(nanos(RETRY), machine.attempt());
        assertEquals(List.of(UPDATE), store.verify());

        ticker.advance(DEADLINE.minusNanos(1)); // the deadline counts from the renewal's send time
        assertTrue(term.isValid());
        ticker.advance(Duration.ofNanos(1));
        assertFalse(term.isValid(), "invalid at the deadline, by the clock alone");
        assertTrue(machine.currentTerm().isEmpty());
    }

    @Test
    void aRenewalThatLostARaceReadsFirstNextTimeInsteadOfSendingAPutBoundToFail() {
        ElectionTerm term = lead();
        Runnable foreignEdit = () -> {
            LeaseRecord now = store.stored().orElseThrow();
            Map<String, String> edited = new java.util.HashMap<>(now.annotations());
            edited.put("team.example/edits", String.valueOf(store.calls.size()));
            store.seed(new LeaseRecord(now.holderIdentity(), now.leaseDurationSeconds(), now.acquireTime(),
                    now.renewTime(), now.leaseTransitions(), edited));
        };
        foreignEdit.run();
        ticker.advance(RETRY);
        // The fast path conflicts, the read sees the edit, and another edit lands before the write: lost again.
        store.expect(UPDATE).expectThen(GET, foreignEdit).expect(UPDATE);
        assertEquals(0, machine.attempt(), "the Lease still shows us: at once again");
        assertEquals(List.of(UPDATE, GET, UPDATE), store.verify());
        store.expect(GET, UPDATE); // not UPDATE from the version that just lost: it cannot succeed
        machine.attempt();
        assertEquals(List.of(GET, UPDATE), store.verify());
        assertTrue(term.isValid());
    }

    @Test
    void aLeaderWhoseRenewalFailsRetriesSoonerWithinTheDeadlineAndTheTermLivesOnUntilThen() {
        ElectionTerm term = lead();
        ticker.advance(Duration.ofSeconds(8));
        store.expectFailing(UPDATE, new LeaseStoreException(LeaseStoreException.Kind.SERVER_ERROR, 503, "503", null));
        assertEquals(nanos(Duration.ofSeconds(1)), machine.attempt(), "half of the 2 s left of the deadline");
        assertTrue(term.isValid());
        assertTrue(observer.lost.isEmpty());
    }

    @Test
    void aRenewalThatLandsAfterTheDeadlineEndsTheTermInsteadOfExtendingIt() {
        ElectionTerm term = lead();
        ticker.advance(RETRY);
        store.expectThen(UPDATE, () -> ticker.advance(DEADLINE));
        long next = machine.attempt();
        assertFalse(term.isValid());
        assertEquals(Reason.RENEW_DEADLINE_PASSED, observer.lost(0).event().reason());
        assertEquals(0, next, "the Lease still shows us: retake at once, under a new epoch");
    }

    @Test
    void aLeaderThatFindsAnotherHolderEndsItsTermAsTakenAndWaitsForThatLeaseToExpire() {
        lead();
        store.seed(heldBy("intruder", 15, 40));
        ticker.advance(RETRY);
        store.expect(UPDATE, GET);
        machine.attempt();
        assertEquals(List.of(UPDATE, GET), store.verify(), "the renewal lost (409), the read shows the intruder");
        assertEquals(Reason.TAKEN, observer.lost(0).event().reason());
        assertEquals(Optional.of("intruder"), observer.lost(0).event().newHolder());
        assertEquals(Optional.of("intruder"), machine.holder());

        ticker.advance(Duration.ofSeconds(1));
        store.expect(GET);
        machine.attempt();
        assertFalse(machine.currentTerm().isPresent(), "the intruder's lease is fresh");
        ticker.advance(Duration.ofSeconds(14).plusMillis(1));
        store.expect(GET, UPDATE);
        machine.attempt();
        assertEquals(41, machine.currentTerm().orElseThrow().epoch());
    }

    @Test
    void aRenewalConflictThatStillShowsUsReadsAgainAndRenews() {
        ElectionTerm term = lead();
        LeaseRecord ours = store.stored().orElseThrow();
        store.seed(new LeaseRecord(ours.holderIdentity(), ours.leaseDurationSeconds(), ours.acquireTime(),
                ours.renewTime(), ours.leaseTransitions(), Map.of(LeaderElector.INSTANCE_ANNOTATION,
                        machine.instanceId(), "team.example/owner", "payments"))); // kubectl annotate
        ticker.advance(RETRY);
        store.expect(UPDATE, GET, UPDATE);
        assertEquals(nanos(RETRY), machine.attempt());
        assertEquals(List.of(UPDATE, GET, UPDATE), store.verify(), "409, read: still ours, renew from that read");
        assertEquals("payments", store.stored().orElseThrow().annotation("team.example/owner"));

        // A second writer between our read and our write: the Lease still shows us, so read again at once.
        ticker.advance(RETRY);
        LeaseRecord annotated = store.stored().orElseThrow();
        store.seed(annotated); // another write since ours: the renewal from our own write loses
        store.expect(UPDATE).expectThen(GET, () -> store.seed(annotated)).expect(UPDATE);
        assertEquals(0, machine.attempt());
        assertEquals(List.of(UPDATE, GET, UPDATE), store.verify());
        assertTrue(term.isValid());
        assertTrue(observer.lost.isEmpty());
    }

    @Test
    void aLeaderRecreatesItsDeletedLeaseAndKeepsItsTermAndEpoch() {
        store.seed(new LeaseRecord(null, 15, null, null, 6, Map.of()));
        store.expect(GET, UPDATE);
        machine.attempt();
        ElectionTerm term = (ElectionTerm) machine.currentTerm().orElseThrow();
        assertEquals(7, term.epoch());
        store.delete();
        ticker.advance(RETRY);
        store.expect(UPDATE, GET, CREATE);
        machine.attempt();
        assertEquals(List.of(GET, UPDATE, UPDATE, GET, CREATE), store.verify());
        assertTrue(term.isValid());
        assertEquals(7, store.stored().orElseThrow().leaseTransitions());
        assertTrue(observer.lost.isEmpty());
    }

    @Test
    void aLeaderThatSeesAForeignHolderInAWatchEventEndsItsTermAtOnce() {
        lead();
        LeaseSnapshot taken = store.seed(heldBy("intruder", 15, 40));
        assertEquals(nanos(RETRY), machine.changed(Optional.of(taken)));
        assertEquals(Reason.TAKEN, observer.lost(0).event().reason());
        assertEquals(List.of(), store.verify());
    }

    // ---------------------------------------------------------------- handing over

    // ---------------------------------------------------------------- pausing before a take (spreading Leases)

    // ---------------------------------------------------------------- a candidate that may not take (job Leases, clock off)
}
