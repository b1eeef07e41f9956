package dev.baton.election;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;

/** When the next round comes: pure sums over the state and the time, checked one case at a time. */
class PacingTest {

    static final ElectionSettings SETTINGS = new ElectionSettings("lease", "me", Duration.ofSeconds(15),
            Duration.ofSeconds(10), Duration.ofSeconds(2));
    static final long S = 1_000_000_000L;
    static final long MS = 1_000_000L;

    final Pacing pacing = new Pacing(SETTINGS, () -> 0.0);

    @Test
    void jitterAddsUpToTwentyPercent() {
        assertEquals(2 * S, new Pacing(SETTINGS, () -> 0.0).jittered(2 * S));
        assertEquals(2.2e9, new Pacing(SETTINGS, () -> 0.5).jittered(2 * S), 1, "half of 20%, to the nanosecond");
    }

    @Test
    void aThrottledRoundWaitsAtLeastAsLongAsTheServerAskedAndNeverLessThanItWouldHave() {
        assertEquals(3 * S, pacing.asTold(S, Optional.of(Duration.ofSeconds(3))), "told 3 s: waits 3 s, not 1");
        assertEquals(5 * S, pacing.asTold(5 * S, Optional.of(Duration.ofSeconds(1))), "told 1 s: still its own 5 s");
        assertEquals(S, pacing.asTold(S, Optional.empty()), "not told: as before");
    }

    @Test
    void aLeaderRenewsOneRetryPeriodAfterTheLastSendNotAfterItsAnswer() {
        long sentAt = 100 * S;
        assertEquals(2 * S - 300 * MS, pacing.renewal(sentAt, sentAt + 10 * S, false, sentAt + 300 * MS));
    }

    @Test
    void afterAFailedRenewalALeaderRetriesWithinWhatIsLeftOfItsDeadline() {
        long sentAt = 100 * S;
        assertEquals(2 * S, pacing.renewal(sentAt, sentAt + 10 * S, true, sentAt), "8 s left: half is more");
        assertEquals(S, pacing.renewal(sentAt, sentAt + 2 * S, true, sentAt), "2 s left: half of it");
        assertEquals(500 * MS, pacing.renewal(sentAt, sentAt + 200 * MS, true, sentAt), "at least a quarter period");
    }

    @Test
    void aFailingCandidateBacksOffDoublingUpToTheLeaseDuration() {
        assertEquals(2 * S, pacing.backoff(1));
        assertEquals(4 * S, pacing.backoff(2));
        assertEquals(8 * S, pacing.backoff(3));
        assertEquals(15 * S, pacing.backoff(4));
        assertEquals(15 * S, pacing.backoff(40));
    }

    @Test
    void aPauseBeforeTakingIsCappedAtHalfTheRetryPeriod() {
        assertEquals(300 * MS, pacing.pause(Duration.ofMillis(300)));
        assertEquals(S, pacing.pause(Duration.ofMinutes(5)));
        assertEquals(0, pacing.pause(Duration.ofMillis(-5)));
    }

    @Test
    void aStandbyWaitsForExpiryWatchingAndPollsEveryPeriodOtherwise() {
        ObservedLease lease = observed(held("other", 15), 0);
        assertEquals(15 * S + MS, pacing.standby(lease, true, 0));
        assertEquals(2 * S, pacing.standby(lease, false, 0));
        assertEquals(S + MS, pacing.standby(lease, false, 14 * S), "the last poll is the expiry");
        assertEquals(0, pacing.standby(lease, true, 20 * S), "overdue: at once");
    }

    @Test
    void aFreeLeaseIsLookedAtSoonAndAVanishedHolderIsWaitedFor() {
        ObservedLease free = observed(new LeaseRecord(null, 15, null, null, 1, Map.of()), 0);
        assertEquals(100 * MS, pacing.standby(free, true, 0));
        assertEquals(2 * S, pacing.standby(free, false, 0));

        ObservedLease cleared = observed(held("other", 15), 0);
        cleared.observe(snapshot(new LeaseRecord(null, 15, null, null, 1, Map.of()), "2"), 3 * S);
        assertEquals(15 * S + MS, pacing.standby(cleared, true, 3 * S));
    }

    @Test
    void ourOwnRecordWithoutATermIsRetakenAtOnce() {
        ObservedLease lease = new ObservedLease(Duration.ofSeconds(15), r -> true);
        lease.observe(snapshot(held("me", 15), "1"), 0);
        assertEquals(0, pacing.standby(lease, true, 0));
    }

    static ObservedLease observed(LeaseRecord record, long atNanos) {
        ObservedLease lease = new ObservedLease(Duration.ofSeconds(15), r -> false);
        lease.observe(snapshot(record, "1"), atNanos);
        return lease;
    }

    static LeaseRecord held(String holder, int seconds) {
        return new LeaseRecord(holder, seconds, Instant.EPOCH, Instant.EPOCH, 1,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, holder + "-process"));
    }

    static LeaseSnapshot snapshot(LeaseRecord record, String version) {
        return new LeaseSnapshot("lease", version, record, null);
    }
}
