package dev.baton.election;

import static dev.baton.election.ExpectingStore.Verb.CREATE;
import static dev.baton.election.ExpectingStore.Verb.GET;
import static dev.baton.election.ExpectingStore.Verb.UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.baton.LeadershipLost.Reason;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;

/**
 * The election's decisions when a replica gives way or holds back: a leader releasing (and stepping aside) or shutting
 * down, a candidate pausing before it takes a Lease (job Leases spreading), and a candidate that may not take one at
 * all (a job Lease while this clock is off). Seeded and asserted as in {@link ElectorStateMachineTest}.
 */
class HoldingBackTest extends ElectorStateMachineFixture {

    @Test
    void releaseNowReleasesThenStepsAsideForALeaseDurationUnlessAnotherHolderAppears() {
        lead();
        store.expect(UPDATE);
        assertEquals(nanos(LEASE), machine.releaseNow());
        LeaseRecord released = store.stored().orElseThrow();
        assertNull(released.holderIdentity());
        assertEquals(machine.instanceId(), released.annotation(LeaderElector.RELEASED_BY_ANNOTATION));
        assertEquals(Reason.RELEASED, observer.lost(0).event().reason());

        ticker.advance(Duration.ofSeconds(5));
        assertEquals(nanos(Duration.ofSeconds(10)), machine.attempt(), "stepping aside: no round");
        assertEquals(List.of(UPDATE), store.verify());

        ticker.advance(Duration.ofSeconds(10));
        store.expect(GET, UPDATE);
        machine.attempt();
        assertEquals(1, machine.currentTerm().orElseThrow().epoch(), "back after the step-aside, a new epoch");
    }

    @Test
    void aShutdownEndsTheTermThenReleases() {
        lead();
        store.expect(UPDATE);
        machine.shutDown(true);
        assertEquals(Reason.SHUTDOWN, observer.lost(0).event().reason());
        assertNull(store.stored().orElseThrow().holderIdentity());
        assertEquals(NONE, machine.attempt(), "closed: no more rounds");
        machine.shutDown(true);
        assertEquals(List.of(UPDATE), store.verify(), "once");
    }

    @Test
    void aCandidatePausesBeforeTakingWithoutWritingAndTakesAfterThePause() {
        pause = Duration.ofMillis(300);
        store.expect(GET);
        assertEquals(nanos(Duration.ofMillis(300)), machine.attempt());
        assertEquals(List.of(GET), store.verify(), "no write before the pause");
        assertTrue(store.stored().isEmpty());

        ticker.advance(Duration.ofMillis(100)); // a round brought forward by a watch event
        assertEquals(nanos(Duration.ofMillis(200)), machine.attempt());
        assertEquals(List.of(), store.verify());

        ticker.advance(Duration.ofMillis(200));
        store.expect(GET, CREATE);
        machine.attempt();
        assertEquals(List.of(GET, CREATE), store.verify(), "read again, then take");
        assertTrue(machine.currentTerm().isPresent());
        assertEquals(1, pausesAsked);
    }

    @Test
    void anotherHolderAppearingDuringThePauseCancelsTheTake() {
        pause = Duration.ofMillis(300);
        store.seed(new LeaseRecord(null, 15, null, null, 3,
                Map.of(LeaderElector.RELEASED_BY_ANNOTATION, "x")));
        store.expect(GET);
        machine.attempt();
        LeaseSnapshot lighter = store.seed(heldBy("lighter", 15, 4));
        assertEquals(nanos(RETRY), machine.changed(Optional.of(lighter)), "back to waiting for expiry");

        ticker.advance(Duration.ofMillis(300));
        store.expect(GET);
        machine.attempt();
        assertEquals(List.of(GET, GET), store.verify());
        assertFalse(machine.currentTerm().isPresent());
        assertEquals(1, pausesAsked);
    }

    @Test
    void thePauseIsCappedAtHalfTheRetryPeriodAndAbandonedWhenStopping() {
        pause = Duration.ofHours(1);
        store.expect(GET);
        assertEquals(nanos(RETRY.dividedBy(2)), machine.attempt());
        machine.stopAcquiring();
        ticker.advance(RETRY);
        assertEquals(NONE, machine.attempt());
        assertEquals(List.of(GET), store.verify(), "no take after stopping");
    }

    @Test
    void aCandidateThatMayNotTakeReadsWritesNothingAndLooksAgainARetryPeriodLaterNotAtEveryWatchEvent() {
        mayTake = false;
        watching = true;
        store.expect(GET);
        assertEquals(nanos(RETRY), machine.attempt(), "not the 100 ms a watching standby uses for a free Lease");
        assertEquals(List.of(GET), store.verify());
        assertTrue(store.stored().isEmpty(), "absent, and not created");

        LeaseSnapshot released = store.seed(new LeaseRecord(null, 15, null, null, 3,
                Map.of(LeaderElector.RELEASED_BY_ANNOTATION, "x")));
        ticker.advance(Duration.ofMillis(500));
        assertEquals(0, machine.changed(Optional.of(released)), "a released Lease is worth a round at once...");
        assertEquals(nanos(RETRY.minusMillis(500)), machine.attempt(), "...which a refused candidate does not run");
        assertEquals(List.of(), store.verify());

        ticker.advance(RETRY.minusMillis(500));
        store.expect(GET);
        assertEquals(nanos(RETRY), machine.attempt(), "read again, still not allowed: no write");
        assertEquals(List.of(GET), store.verify());
        assertNull(store.stored().orElseThrow().holderIdentity());

        mayTake = true;
        ticker.advance(RETRY);
        store.expect(GET, UPDATE);
        machine.attempt();
        assertEquals(List.of(GET, UPDATE), store.verify(), "allowed again: takes at its next look");
        assertEquals(4, machine.currentTerm().orElseThrow().epoch());
        assertEquals(1, pausesAsked, "the pause is asked only for the take that happens");
    }

    @Test
    void whatForbidsATakeIsAskedAgainWhenThePauseBeforeItEnds() {
        pause = Duration.ofMillis(300);
        store.expect(GET);
        assertEquals(nanos(Duration.ofMillis(300)), machine.attempt());
        mayTake = false; // e.g. the clock was found off during the pause
        ticker.advance(Duration.ofMillis(300));
        store.expect(GET);
        assertEquals(nanos(RETRY), machine.attempt());
        assertEquals(List.of(GET, GET), store.verify(), "no create after the pause");
        assertTrue(store.stored().isEmpty());
    }

    @Test
    void aHolderIsNeverAskedWhetherItMayTakeItRenewsAndOnlyReleaseNowGivesTheLeaseUp() {
        lead();
        int asked = mayTakeAsked;
        mayTake = false;
        ticker.advance(RETRY);
        store.expect(UPDATE);
        machine.attempt();
        assertTrue(machine.currentTerm().isPresent(), "renewing is not taking");
        assertEquals(asked, mayTakeAsked);

        store.expect(UPDATE);
        machine.releaseNow();
        ticker.advance(LEASE);
        store.expect(GET);
        assertEquals(nanos(RETRY), machine.attempt(), "after the step-aside it does not take the Lease back");
        assertEquals(List.of(UPDATE, UPDATE, GET), store.verify());
        assertFalse(machine.currentTerm().isPresent());
        assertNull(store.stored().orElseThrow().holderIdentity());
    }

    @Test
    void renewalsReleasesAndALeaderRecreatingItsLeaseNeverPause() {
        lead();
        pausesAsked = 0;
        pause = Duration.ofSeconds(1);
        ticker.advance(RETRY);
        store.expect(UPDATE);
        machine.attempt();
        store.delete();
        ticker.advance(RETRY);
        store.expect(UPDATE, GET, CREATE);
        machine.attempt();
        store.expect(UPDATE);
        machine.releaseNow();
        assertEquals(List.of(UPDATE, UPDATE, GET, CREATE, UPDATE), store.verify());
        assertEquals(0, pausesAsked);
    }
}
