package dev.baton.election;

import static dev.baton.election.ExpectingStore.Verb.CREATE;
import static dev.baton.election.ExpectingStore.Verb.GET;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;

import dev.baton.clock.TestClock;
import dev.baton.store.LeaseRecord;

/**
 * One {@link ElectorStateMachine} against an {@link ExpectingStore} (which fails on any call not expected), with a
 * {@link TestClock}, zero jitter, a recording observer and a pause-before-taking the test controls: the seed of
 * every decision test.
 */
abstract class ElectorStateMachineFixture {

    static final Duration LEASE = Duration.ofSeconds(15);
    static final Duration DEADLINE = Duration.ofSeconds(10);
    static final Duration RETRY = Duration.ofSeconds(2);
    static final long NONE = ElectorStateMachine.NONE;

    final TestClock ticker = TestClock.at(Instant.EPOCH);
    final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    final ExpectingStore store = new ExpectingStore();
    final RecordingObserver observer = new RecordingObserver();
    boolean watching;
    Duration pause = Duration.ZERO;
    int pausesAsked;
    boolean mayTake = true;
    int mayTakeAsked;
    final ElectorStateMachine machine = new ElectorStateMachine(store,
            new ElectionSettings(ExpectingStore.NAME, "me", LEASE, DEADLINE, RETRY), observer, ticker,
            new PauseBeforeTaking() {
                @Override
                public Duration beforeTaking() {
                    pausesAsked++;
                    return pause;
                }

                @Override
                public boolean mayTake() {
                    mayTakeAsked++;
                    return mayTake;
                }
            }, () -> 0.0, Runnable::run, () -> watching, watchdog);

    @AfterEach
    void stopWatchdog() {
        machine.stopWatchdog();
        watchdog.shutdownNow();
    }

    static LeaseRecord heldBy(String holder, Integer seconds, int epoch) {
        return new LeaseRecord(holder, seconds, Instant.EPOCH, Instant.EPOCH, epoch,
                Map.of(LeaderElector.INSTANCE_ANNOTATION, holder + "-process"));
    }

    static long nanos(Duration d) {
        return d.toNanos();
    }

    /** The expiry timer fires this long after the Lease expires on our clock. */
    static long pastExpiry(Duration d) {
        return d.toNanos() + 1_000_000;
    }

    ElectionTerm lead() {
        store.expect(GET, CREATE);
        machine.attempt();
        store.verify();
        return (ElectionTerm) machine.currentTerm().orElseThrow();
    }
}
