package dev.baton.bench;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The failover benchmark's job, under {@code baton.bench.*}. Off unless the benchmark harness turns it on: a real
 * deployment never schedules it.
 */
@ConfigMapping(prefix = "baton.bench")
public interface BenchConfig {

    /** Whether this replica schedules the benchmark job at all. */
    @WithDefault("false")
    boolean enabled();

    /** Whether the job is gated by leadership (the product) or runs on every replica (the naive baseline). */
    @WithDefault("leader")
    Gate gate();

    /** When the job fires. A cron on whole seconds makes a slot the same instant on every replica. */
    @WithDefault("* * * * * ?")
    String cron();

    /** File this replica appends its runs and leadership changes to (one line each). */
    Optional<String> auditFile();

    /** URL of the fenced sink each run writes through; without it runs are only audited. */
    Optional<String> sinkUrl();

    /** How long one run works before its write: long enough that two replicas running one slot would overlap. */
    @WithDefault("100ms")
    Duration work();

    /** How the job decides whether to run. */
    enum Gate {
        /** Only in a valid term of the service-wide Lease; the write carries the term's epoch. */
        LEADER,
        /** On every replica, every slot: plain {@code @Scheduled}, what users do without Baton. */
        NAIVE
    }
}
