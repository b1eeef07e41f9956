package dev.baton.observability;

import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.baton.scheduling.run.RunnerSettings;
import dev.baton.election.ElectionObserver;
import dev.baton.election.ElectionSettings;
import dev.baton.election.LeaderElector;
import dev.baton.clock.Ticker;
import dev.baton.scheduling.run.JobRunner;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.store.LeaseStore;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One replica of the job logic without CDI, through public API only: a {@link JobRunner} whose Leases are elected
 * in {@code store}, shared with the other replicas of a test. A test plays its Quarkus scheduler with {@link #fire}.
 */
final class LeadingReplica implements AutoCloseable {

    // Short enough for quick tests, long enough that a busy machine keeps its first term.
    static final Duration LEASE = Duration.ofSeconds(4);
    static final Duration DEADLINE = Duration.ofMillis(2500);
    static final Duration RETRY = Duration.ofMillis(500);

    final String name;
    final LeaseStore store;
    final Map<String, LeaderElector> electors = new ConcurrentHashMap<>();
    final JobRunner runner;
    private final Duration lease;
    private final Duration deadline;
    private final Duration retry;

    LeadingReplica(String name, LeaseStore store, MeterRegistry meters) {
        this(name, store, meters, LEASE, DEADLINE, RETRY);
    }

    /** With its own election timings (a test that must not lose a term on a busy machine). */
    LeadingReplica(String name, LeaseStore store, MeterRegistry meters, Duration lease, Duration deadline,
            Duration retry) {
        this.lease = lease;
        this.deadline = deadline;
        this.retry = retry;
        this.name = name;
        this.store = store;
        this.runner = new JobRunner(RunnerSettings.of(name, electors::get).withClock(Clock.systemUTC()).withMeters(meters)
                .withSidecar(false).withMaxRecords(64).withWriteTimeout(Duration.ofSeconds(5)));
    }

    /** Starts competing for {@code lease}. */
    LeaderElector elect(String lease) {
        LeaderElector elector = new LeaderElector(store, new ElectionSettings(lease, name, this.lease, deadline, retry),
                ElectionObserver.NONE, Ticker.SYSTEM);
        electors.put(lease, elector);
        elector.start();
        return elector;
    }

    /** Competes for {@code lease} and waits until this replica leads it. */
    LeaderElector lead(String lease) {
        LeaderElector elector = elect(lease);
        await().atMost(Duration.ofSeconds(20)).until(elector::isLeader);
        return elector;
    }

    void register(JobSpec spec, Body body) {
        runner.register(spec, slot -> {
            throw new UnsupportedOperationException("no catch-up or run request in these tests");
        });
    }

    /** What this replica's Quarkus scheduler does when the job's trigger fires for {@code slot}. */
    Object fire(JobSpec spec, Instant slot, Body body) throws Exception {
        return runner.run(spec, slot, false, void.class, body::run);
    }

    /** As {@link #fire}, for a method declared to return {@code returnType} (a {@code Uni}, a stage). */
    Object fire(JobSpec spec, Instant slot, Class<?> returnType, Body body) throws Exception {
        return runner.run(spec, slot, false, returnType, body::run);
    }

    /** A job's method. */
    interface Body {
        Object run() throws Exception;
    }

    @Override
    public void close() {
        runner.close();
        electors.values().forEach(e -> e.close(true, deadline));
    }
}
