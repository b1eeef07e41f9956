package dev.baton.election;

import static dev.baton.election.PacingTest.held;
import static dev.baton.election.PacingTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;

/** What an observation tells, and when a Lease expires on our clock: a snapshot and a time in, a Change out. */
class ObservedLeaseTest {

    static final long S = 1_000_000_000L;

    final ObservedLease lease = new ObservedLease(Duration.ofSeconds(15),
            r -> "me".equals(r.holderIdentity()) && "mine".equals(r.annotation(LeaderElector.INSTANCE_ANNOTATION)));

    @Test
    void aNewHolderIsNewsAndExpiryCountsFromWhenItWasSeen() {
        ObservedLease.Change first = lease.observe(snapshot(held("a", 15), "5"), 10 * S);
        assertTrue(first.isNews());
        assertTrue(first.holderChanged());
        assertNull(first.holderBefore());
        assertEquals("a", first.holderAfter());
        assertTrue(first.heldByAnother());
        assertEquals(25 * S, lease.expiresAtNanos(lease.snapshot().record()));
        assertFalse(lease.expired(lease.snapshot().record(), 25 * S));
        assertTrue(lease.expired(lease.snapshot().record(), 25 * S + 1));
    }

    @Test
    void theSameContentAgainIsNoNewsAndDoesNotPushExpiryBack() {
        lease.observe(snapshot(held("a", 15), "5"), 10 * S);
        LeaseSnapshot again = snapshot(held("a", 15), "6");
        assertFalse(lease.observe(again, 20 * S).isNews());
        assertSame(again, lease.snapshot(), "the newer object is kept: health sees progress");
        assertEquals(25 * S, lease.expiresAtNanos(again.record()));
    }

    @Test
    void anOlderVersionArrivingLateIsIgnored() {
        lease.observe(snapshot(held("b", 15), "7"), 10 * S);
        assertFalse(lease.observe(snapshot(held("a", 15), "6"), 11 * S).isNews());
        assertEquals("b", lease.holder().orElseThrow());
    }

    @Test
    void aHolderClearedBySomeoneElseMayStillActForItsDuration() {
        lease.observe(snapshot(held("a", 10), "1"), 0);
        ObservedLease.Change cleared = lease.observe(snapshot(new LeaseRecord(null, 15, null, null, 1, Map.of()), "2"),
                S);
        assertEquals("a", cleared.vanished().holderIdentity());
        assertTrue(lease.vanishedHolderMayAct(11 * S - 1));
        assertFalse(lease.vanishedHolderMayAct(11 * S));
    }

    @Test
    void aHolderThatReleasedItselfIsGone() {
        lease.observe(snapshot(held("a", 10), "1"), 0);
        ObservedLease.Change released = lease.observe(snapshot(new LeaseRecord(null, 1, null, null, 1,
                Map.of(LeaderElector.RELEASED_BY_ANNOTATION, "a-process")), "2"), S);
        assertNull(released.vanished());
        assertFalse(lease.vanishedHolderMayAct(S));
    }

    @Test
    void aDeletionUnderAnotherHolderLeavesThatHolderTimeToStop() {
        lease.observe(snapshot(held("a", 10), "1"), 0);
        ObservedLease.Change deleted = lease.deleted(2 * S);
        assertTrue(deleted.isNews());
        assertNull(deleted.after());
        assertEquals("a", deleted.holderBefore());
        assertNull(lease.snapshot());
        assertTrue(lease.vanishedHolderMayAct(12 * S - 1));
        assertFalse(lease.deleted(3 * S).isNews(), "deleted twice: nothing new");
    }

    @Test
    void ourOwnRecordVanishingLeavesNobodyToWaitFor() {
        lease.observe(snapshot(new LeaseRecord("me", 15, Instant.EPOCH, Instant.EPOCH, 1,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, "mine")), "1"), 0);
        assertTrue(lease.isMine());
        lease.deleted(S);
        assertFalse(lease.vanishedHolderMayAct(S));
    }

    @Test
    void anUnusableDurationIsReplacedByOurOwnAndReported() {
        ObservedLease.Change c = lease.observe(snapshot(held("broken", 0), "1"), 0);
        assertTrue(c.badDuration());
        assertEquals(Duration.ofSeconds(15), lease.durationOf(lease.snapshot().record()));
        assertEquals(15 * S, lease.expiresAtNanos(lease.snapshot().record()));
    }

    @Test
    void theHighestEpochEverSeenIsKept() {
        lease.observe(snapshot(new LeaseRecord("a", 15, null, null, 9, Map.of()), "1"), 0);
        lease.observe(snapshot(new LeaseRecord("b", 15, null, null, 2, Map.of()), "2"), 0);
        assertEquals(9, lease.highestEpoch());
    }
}
