package dev.baton.bench;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The SCALE benchmark's side of the application, under {@code baton.bench.scale.*}: how many job Leases this replica
 * contests besides the service Lease, and two trivial jobs on the first two so that job records are written. Built
 * only into the benchmark's own build of the application, and off there too unless the harness turns it on.
 */
@ConfigMapping(prefix = "baton.bench.scale")
public interface ScaleConfig {

    /** How many job Leases ({@code scale-0000}, {@code scale-0001}, ...) to contest; 0 contests none. */
    @WithDefault("0")
    int leases();

    /**
     * The electors of successive Leases start this far apart, as the product starts its job Leases one by one
     * ({@code LeaseSpreading.startOneByOne}, four spread steps apart): shorter, so that 200 Leases are up in 20 s.
     */
    @WithDefault("100ms")
    Duration startStep();

    /** Schedule of the trivial job on Lease {@code scale-0000} ({@link ScaleJobs}); {@code off} unschedules it. */
    @WithDefault("off")
    String firstJobCron();

    /** Schedule of the trivial job on Lease {@code scale-0001}; {@code off} unschedules it. */
    @WithDefault("off")
    String secondJobCron();
}
