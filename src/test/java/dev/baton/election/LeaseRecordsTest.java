package dev.baton.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.baton.store.LeaseRecord;

/** The records this process writes: what each keeps, what each changes. */
class LeaseRecordsTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final Instant EARLIER = Instant.parse("2026-11-25T09:00:00Z");

    final LeaseRecords records = new LeaseRecords(new ElectionSettings("lease", "me", Duration.ofSeconds(15),
            Duration.ofSeconds(10), Duration.ofSeconds(2)), "mine", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aFreshRecordNamesUsAndOurInstance() {
        LeaseRecord r = records.fresh(4);
        assertEquals(new LeaseRecord("me", 15, NOW, NOW, 4, Map.of(LeaderElector.INSTANCE_ANNOTATION, "mine")), r);
        assertTrue(records.isMine(r));
    }

    @Test
    void takingStartsANewEpochAboveEverythingSeenAndKeepsOtherAnnotations() {
        LeaseRecord previous = new LeaseRecord("other", 30, EARLIER, EARLIER, 3,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, "theirs", LeaderElector.RELEASED_BY_ANNOTATION, "theirs",
                        "baton.dev/job.report", "{}"));
        LeaseRecord r = records.acquired(previous, 7);
        assertEquals(8, r.leaseTransitions());
        assertEquals(NOW, r.acquireTime());
        assertEquals(15, r.leaseDurationSeconds());
        assertEquals(Map.of(LeaderElector.INSTANCE_ANNOTATION, "mine", "baton.dev/job.report", "{}"), r.annotations());
        assertEquals(4, records.acquired(previous, -1).leaseTransitions());
        assertEquals(0, records.acquired(new LeaseRecord(null, null, null, null, null, Map.of()), -1)
                .leaseTransitions());
    }

    @Test
    void renewingKeepsTheTermAndMovesOnlyTheRenewTime() {
        LeaseRecord ours = new LeaseRecord("me", 15, EARLIER, EARLIER, 5,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, "mine", "k", "v"));
        assertEquals(new LeaseRecord("me", 15, EARLIER, NOW, 5, ours.annotations()), records.renewed(ours));
    }

    @Test
    void releasingClearsTheHolderAndSaysWhoReleased() {
        LeaseRecord ours = new LeaseRecord("me", 15, EARLIER, EARLIER, 5,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, "mine", "k", "v"));
        LeaseRecord r = records.released(ours);
        assertNull(r.holderIdentity());
        assertEquals(1, r.leaseDurationSeconds());
        assertEquals(EARLIER, r.acquireTime());
        assertEquals(5, r.leaseTransitions());
        assertEquals(Map.of(LeaderElector.RELEASED_BY_ANNOTATION, "mine", "k", "v"), r.annotations());
        assertFalse(records.isMine(r));
    }

    @Test
    void theSameIdentityInAnotherProcessIsNotUs() {
        assertFalse(records.isMine(new LeaseRecord("me", 15, NOW, NOW, 1,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, "theirs"))));
    }
}
