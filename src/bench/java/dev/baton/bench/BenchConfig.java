package dev.baton.bench;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The failover benchmark's job, under {@code baton.bench.*}. Built only into the benchmark's own build of the
 * application (this source root is not the product's), and off there too unless the harness turns it on.
 */
@ConfigMapping(prefix = "baton.bench")
public interface BenchConfig {

    /** Whether this replica audits job runs and leadership changes for the benchmark. */
    @WithDefault("false")
    boolean enabled();

    /**
     * Schedule of the job gated as a Baton singleton job ({@code @SingletonJob}, catch-up of the latest missed slot).
     * The benchmark uses {@code * * * * * ?}: a cron on whole seconds makes a slot the same instant on every replica.
     */
    @WithDefault("off")
    String leaderCron();

    /** Schedule of the same job with no gate at all (plain {@code @Scheduled}, the naive baseline). */
    @WithDefault("off")
    String naiveCron();

    /** How old a missed slot may be and still be caught up when a new term begins. */
    @WithDefault("10s")
    Duration startingDeadline();

    /** File this replica appends its runs and leadership changes to (one line each). */
    Optional<String> auditFile();

    /** URL of the fenced sink each run writes through; without it runs are only audited. */
    Optional<String> sinkUrl();

    /** How long one run works before its write: long enough that two replicas running one slot would overlap. */
    @WithDefault("100ms")
    Duration work();
}
