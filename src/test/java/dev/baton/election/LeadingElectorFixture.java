package dev.baton.election;

import static dev.baton.election.ExpectingStore.Verb.CREATE;
import static dev.baton.election.ExpectingStore.Verb.GET;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.clock.TestClock;

/**
 * A state machine that leads its Lease before each test (one GET, one CREATE, counted), and its annotation writer,
 * on a fake clock and a store that fails on unexpected calls: what the annotation tests start from.
 */
abstract class LeadingElectorFixture {

    static final Duration RETRY = Duration.ofSeconds(2);
    static final Duration DEADLINE = Duration.ofSeconds(10);

    final TestClock ticker = TestClock.at(Instant.EPOCH);
    final ExpectingStore store = new ExpectingStore();
    final RecordingObserver observer = new RecordingObserver();
    final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    final ElectorStateMachine machine = new ElectorStateMachine(store, new ElectionSettings(ExpectingStore.NAME, "me",
            Duration.ofSeconds(15), DEADLINE, RETRY), observer, ticker, PauseBeforeTaking.NONE, () -> 0.0,
            Runnable::run, () -> false, watchdog);
    final LeaseAnnotations annotations = new LeaseAnnotations(Runnable::run, store, new LeaseRef("test",
            ExpectingStore.NAME), machine.termWrites::heldIn, machine.termWrites::ridingWith, machine::observe,
            () -> machine.changed(store.get(ExpectingStore.NAME)));
    Term term;

    @BeforeEach
    void lead() {
        store.expect(GET, CREATE);
        machine.attempt();
        store.verify();
        term = machine.currentTerm().orElseThrow();
    }

    @AfterEach
    void stopWatchdog() {
        machine.stopWatchdog();
        watchdog.shutdownNow();
    }
}
