package dev.baton.scheduling.run;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import dev.baton.clock.ClusterClock;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.records.JobHistory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What a {@link JobRunner} is made of, as one value: start from {@link #of} (the configuration's defaults) and change
 * what differs, e.g. {@code RunnerSettings.of("a", electors::get).withSidecar(true)}. Checked when built, so that a bad
 * value fails start-up naming its key.
 *
 * @param identity this replica's identity, written to records
 * @param electors the elector of a Lease name; null while that Lease's elector has not started
 * @param clock wall clock for slots and records
 * @param meters where runs, skips and durations are counted
 * @param sidecar true in sidecar mode, where singleton jobs never run
 * @param maxRecords how many job records (and run statuses) one Lease may carry ({@code baton.jobs.max-records})
 * @param history how many runs each job's history keeps in its Lease ({@code baton.jobs.history}; 0: none)
 * @param writeTimeout how long a run waits for its record to be written
 * @param clusterClock this replica's clock against the cluster's: slots are refused while it is provably off
 *        ({@code ClockSkew}); {@link ClusterClock#noCluster()} when there is nothing to compare with
 */
public record RunnerSettings(String identity, Function<String, LeaderElector> electors, Clock clock,
        MeterRegistry meters, boolean sidecar, int maxRecords, int history, Duration writeTimeout,
        ClusterClock clusterClock) {

    /** {@code baton.jobs.history}'s default. */
    public static final int DEFAULT_HISTORY = 10;
    /** {@code baton.jobs.max-records}' default. */
    public static final int DEFAULT_MAX_RECORDS = 64;

    public RunnerSettings {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(electors, "electors");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(clusterClock, "clusterClock");
        if (history < 0 || history > JobHistory.MAX_ENTRIES) {
            throw new IllegalArgumentException("Invalid configuration baton.jobs.history: " + history + " (0 to "
                    + JobHistory.MAX_ENTRIES + " runs per job; besides, a job's history never takes more than "
                    + JobHistory.MAX_CHARS_PER_JOB + " bytes)");
        }
    }

    /**
     * The defaults: the system clock, meters of its own, not a sidecar, the configuration's bounds, a 5 s write
     * timeout, and no cluster clock to refuse slots by.
     */
    public static RunnerSettings of(String identity, Function<String, LeaderElector> electors) {
        return new RunnerSettings(identity, electors, Clock.systemUTC(), new SimpleMeterRegistry(), false,
                DEFAULT_MAX_RECORDS, DEFAULT_HISTORY, Duration.ofSeconds(5), ClusterClock.noCluster());
    }

    public RunnerSettings withClock(Clock clock) {
        return new RunnerSettings(identity, electors, clock, meters, sidecar, maxRecords, history, writeTimeout,
                clusterClock);
    }

    public RunnerSettings withMeters(MeterRegistry meters) {
        return new RunnerSettings(identity, electors, clock, meters, sidecar, maxRecords, history, writeTimeout,
                clusterClock);
    }

    public RunnerSettings withSidecar(boolean sidecar) {
        return new RunnerSettings(identity, electors, clock, meters, sidecar, maxRecords, history, writeTimeout,
                clusterClock);
    }

    public RunnerSettings withMaxRecords(int maxRecords) {
        return new RunnerSettings(identity, electors, clock, meters, sidecar, maxRecords, history, writeTimeout,
                clusterClock);
    }

    public RunnerSettings withHistory(int history) {
        return new RunnerSettings(identity, electors, clock, meters, sidecar, maxRecords, history, writeTimeout,
                clusterClock);
    }

    public RunnerSettings withWriteTimeout(Duration writeTimeout) {
        return new RunnerSettings(identity, electors, clock, meters, sidecar, maxRecords, history, writeTimeout,
                clusterClock);
    }

    public RunnerSettings withClusterClock(ClusterClock clusterClock) {
        return new RunnerSettings(identity, electors, clock, meters, sidecar, maxRecords, history, writeTimeout,
                clusterClock);
    }
}
