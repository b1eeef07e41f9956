package dev.baton.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Where a spread job lives: fixed by its id alone, the same in every release, spread over the shards. */
class ShardsTest {

    @Test
    void aJobsShardDependsOnItsIdOnlyAndIsPinned() {
        // Pinned (checked with another SHA-256 implementation): a release that computed another shard for an
        // existing job would let two replicas run it.
        assertEquals(Shards.of("cluster-summary"), Shards.of("cluster-summary"));
        assertEquals(java.util.List.of(1, 7, 6, 3), java.util.stream.Stream.of("cluster-summary", "hourly-report",
                "api-0000", "api-0199").map(Shards::of).toList());
    }

    @Test
    void twoHundredJobsSpreadOverEveryShard() {
        int[] perShard = new int[Shards.COUNT];
        IntStream.range(0, 200).mapToObj(i -> String.format(Locale.ROOT, "api-%04d", i))
                .forEach(id -> perShard[Shards.of(id)]++);
        for (int n : perShard) {
            assertTrue(n >= 8 && n <= 26, "jobs per shard " + java.util.Arrays.toString(perShard));
        }
    }

    @Test
    void aShardIsRenewedMoreSlowlyThanTheServiceLeaseWithinTheElectionsRules() {
        ElectionSettings shard = Shards.settings(new ElectionSettings("baton-leader", "me",
                java.time.Duration.ofSeconds(15), java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(2)),
                "baton-leader-shard-03");
        assertEquals(java.time.Duration.ofSeconds(30), shard.leaseDuration());
        assertEquals(java.time.Duration.ofSeconds(20), shard.renewDeadline());
        assertEquals(java.time.Duration.ofSeconds(10), shard.retryPeriod());
        // The tests' short timings (2 s, 1.2 s, 300 ms): five retry periods would break deadline > 1.2 x retry.
        ElectionSettings fast = Shards.settings(new ElectionSettings("l", "me", java.time.Duration.ofSeconds(2),
                java.time.Duration.ofMillis(1200), java.time.Duration.ofMillis(300)), "l-shard-00");
        assertTrue(fast.renewDeadline().toMillis() > 1.2 * fast.retryPeriod().toMillis(), fast.toString());
    }

    @Test
    void namesFollowTheServiceLease() {
        assertEquals("baton-leader-shard-07", Shards.shardLease("baton-leader", 7));
        assertEquals("baton-leader-records-00", Shards.recordLease("baton-leader", 0));
        assertEquals(java.util.OptionalInt.of(7), Shards.shardOf("baton-leader", "baton-leader-shard-07"));
        assertTrue(Shards.shardOf("baton-leader", "baton-leader-shard-12").isEmpty(), "not a shard: out of range");
        assertTrue(Shards.shardOf("baton-leader", "baton-leader").isEmpty(), "the service Lease is no shard");
    }
}
