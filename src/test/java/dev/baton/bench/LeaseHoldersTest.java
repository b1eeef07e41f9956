package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The SCALE benchmark's safety check: which changes of holder could have let two replicas act. */
class LeaseHoldersTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private static LeaseHolders.Version v(long at, String holder, String renewTime, int duration) {
        return new LeaseHolders.Version(at, "scale-0000", holder, renewTime, duration);
    }

    @Test
    void aTakeoverSoonerThanTheRenewDeadlineAfterTheHoldersLastWriteIsUnsafe() {
        List<String> unsafe = LeaseHolders.unsafeTakeovers(List.of(
                v(0, "a", "t0", 15), v(2_000, "a", "t1", 15), v(5_000, "b", "t2", 15)), DEADLINE);

        assertEquals(1, unsafe.size(), unsafe.toString());
    }

    @Test
    void aTakeoverAfterTheDeadlineOrAfterAReleaseIsSafe() {
        // Expired: the holder's term ended at most the renew deadline after its last write.
        assertEquals(List.of(), LeaseHolders.unsafeTakeovers(List.of(
                v(0, "a", "t0", 15), v(16_000, "b", "t1", 15)), DEADLINE));
        // Released by clearing the holder (Baton).
        assertEquals(List.of(), LeaseHolders.unsafeTakeovers(List.of(
                v(0, "a", "t0", 15), v(100, null, "t0", 15), v(200, "b", "t1", 15)), DEADLINE));
        // Released by a 1 s lease duration, the holder left in place (fabric8's elector, client-go's).
        assertEquals(List.of(), LeaseHolders.unsafeTakeovers(List.of(
                v(0, "a", "t0", 15), v(100, "a", "t1", 1), v(1_300, "b", "t2", 15)), DEADLINE));
    }

    @Test
    void aReleaseCountsOnlyForTheTermItEnded() {
        // b took a's released Lease, then c took it from b while b could still act.
        List<String> unsafe = LeaseHolders.unsafeTakeovers(List.of(
                v(0, "a", "t0", 15), v(100, "a", "t1", 1), v(1_300, "b", "t2", 15), v(3_000, "c", "t3", 15)),
                DEADLINE);

        assertEquals(1, unsafe.size(), unsafe.toString());
    }
}
