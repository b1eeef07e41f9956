package dev.baton.election;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.baton.LeadershipLost;
import dev.baton.LeadershipLost.Reason;
import dev.baton.clock.Ticker;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;
import dev.baton.store.ScriptedStore;

/**
 * What every store must give the elector, and what the elector must do with it: several candidates competing for
 * one Lease, run against the embedded store and against the Kubernetes test API server (subclasses).
 * <p>
 * Timings are short (lease 2 s, renew deadline 1.2 s, retry 300 ms). Assertions are about order and lower bounds
 * (a standby never takes a lease before it has expired on its clock), never "faster than", so a slow machine can
 * make a test slower but not wrong.
 */
abstract class ElectionContractTest {

    static final String LEASE = "contract-lease";

    private final List<LeaderElector> electors = new ArrayList<>();

    /** A store as a new, independent candidate process would see the API. */
    abstract LeaseStore candidateStore();

    /** Writes the Lease unconditionally, as a foreign tool or {@code kubectl edit} would. */
    abstract void foreignWrite(String lease, LeaseRecord record);

    /** Deletes the Lease, as {@code kubectl delete lease} would. */
    abstract void deleteLease(String lease);

    /** Reads the Lease directly. */
    abstract Optional<LeaseRecord> read(String lease);

    @AfterEach
    void stopElectorsThenDeleteTheLease() {
        electors.forEach(e -> e.close(false, Duration.ofSeconds(2)));
        deleteLease(LEASE); // after the electors stopped, or a leader would recreate it
    }

    LeaderElector elector(String identity, LeaseStore store, ElectionObserver observer, Duration leaseDuration) {
        ElectionSettings settings = new ElectionSettings(LEASE, identity, leaseDuration,
                Duration.ofMillis(1200), Duration.ofMillis(300));
        LeaderElector e = new LeaderElector(store, settings, observer, Ticker.SYSTEM);
        electors.add(e);
        return e;
    }

    LeaderElector elector(String identity, LeaseStore store, ElectionObserver observer) {
        return elector(identity, store, observer, Duration.ofSeconds(2));
    }

    static List<LeaderElector> leaders(List<LeaderElector> candidates) {
        return candidates.stream().filter(LeaderElector::isLeader).toList();
    }

    @Test
    void exactlyOneOfThreeCandidatesLeadsAtEverySample() throws Exception {
        List<LeaderElector> candidates = List.of(
                elector("a", candidateStore(), null), elector("b", candidateStore(), null),
                elector("c", candidateStore(), null));
        candidates.forEach(LeaderElector::start);
        await().atMost(PATIENCE).until(() -> leaders(candidates).size() == 1);

        int samples = 0;
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < end) {
            int leading = leaders(candidates).size();
            assertTrue(leading <= 1, "two candidates led at once");
            samples++;
            Thread.sleep(2);
        }
        LeaderElector leader = leaders(candidates).get(0);
        assertEquals(leader.identity(), read(LEASE).orElseThrow().holderIdentity());
        for (LeaderElector c : candidates) {
            await().atMost(PATIENCE).until(() -> c.holder().equals(Optional.of(leader.identity())));
        }
        assertTrue(samples > 100, "sampled " + samples + " times");
    }

    @Test
    void releasingHandsOverToAStandbyWithoutWaitingForExpiry() {
        // A 30 s lease: a standby that waited for expiry would not lead within the 20 s wait below.
        Duration longLease = Duration.ofSeconds(30);
        AtomicReference<LeadershipLost> loss = new AtomicReference<>();
        AtomicReference<String> holderWhenLossWasReported = new AtomicReference<>();
        LeaderElector first = elector("first", candidateStore(), new ElectionObserver() {
            @Override
            public void leadershipLost(LeadershipLost event) {
                loss.set(event);
                holderWhenLossWasReported.set(read(LEASE).map(LeaseRecord::holderIdentity).orElse("(none)"));
            }
        }, longLease);
        first.start();
        await().atMost(PATIENCE).until(first::isLeader);
        LeaderElector second = elector("second", candidateStore(), null, longLease);
        second.start();
        await().atMost(PATIENCE).until(() -> second.holder().equals(Optional.of("first")));

        first.close(true, Duration.ofSeconds(5));
        // The leader stopped its work (term ended, observers ran) before it wrote the release.
        assertEquals(Reason.SHUTDOWN, loss.get().reason());
        assertEquals("first", holderWhenLossWasReported.get());

        await().atMost(PATIENCE).until(second::isLeader);
        assertEquals("second", read(LEASE).orElseThrow().holderIdentity());
        assertFalse(first.isLeader());
    }

    @Test
    void aLeaderThatStopsRenewingStepsDownAndIsReplacedOnlyAfterTheLeaseDuration() {
        ScriptedStore leaderStore = new ScriptedStore(candidateStore());
        RecordingObserver leaderObserver = new RecordingObserver();
        LeaderElector leader = elector("leader", leaderStore, leaderObserver);
        leader.start();
        await().atMost(PATIENCE).until(leader::isLeader);
        RecordingObserver standbyObserver = new RecordingObserver();
        LeaderElector standby = elector("standby", candidateStore(), standbyObserver);
        standby.start();
        await().atMost(PATIENCE).until(() -> standby.holder().equals(Optional.of("leader")));

        // The API stops answering the leader (a partition): no renewal succeeds from now on.
        leaderStore.failWith(new LeaseStoreException(LeaseStoreException.Kind.SERVER_ERROR, 503, "503 injected", null));
        long lastRenewalSent = leaderStore.lastWriteSentNanos;

        await().atMost(PATIENCE).until(standby::isLeader);
        RecordingObserver.Lost stepDown = leaderObserver.lost(0);
        RecordingObserver.Acquired takeOver = standbyObserver.acquired(0);
        assertEquals(Reason.RENEW_DEADLINE_PASSED, stepDown.event().reason());
        assertTrue(stepDown.atNanos() < takeOver.atNanos(), "the old leader stepped down before the new one began");
        long waited = takeOver.atNanos() - Math.max(lastRenewalSent, leaderStore.lastWriteSentNanos);
        assertTrue(waited >= Duration.ofSeconds(2).toNanos(),
                "took over " + Duration.ofNanos(waited) + " after the last renewal, before the 2 s lease expired");
        assertFalse(leader.isLeader());
        assertTrue(takeOver.term().epoch() > stepDown.event().epoch(), "a new term has a larger epoch");
    }

    @Test
    void aWinWhoseAnswerComesAfterTheRenewDeadlineIsNotAnnouncedUntilARenewalSucceeds() {
        // The write that takes the Lease lands, but its answer comes back after the renew deadline (1.2 s here): a
        // term starting then would already be over. The elector must renew first and only then announce a term.
        ScriptedStore slow = new ScriptedStore(candidateStore()).slowNextWrites(1, Duration.ofMillis(1500));
        RecordingObserver observer = new RecordingObserver();
        LeaderElector e = elector("slow", slow, observer);
        e.start();

        await().atMost(PATIENCE).until(e::isLeader);
        assertTrue(slow.creates.get() + slow.updates.get() >= 2, "the Lease was written again before acting");
        assertTrue(observer.acquired.stream().allMatch(RecordingObserver.Acquired::validWhenAnnounced),
                "no term was announced already over");
        assertTrue(observer.lost.stream().noneMatch(l -> l.event().reason() == Reason.RENEW_DEADLINE_PASSED),
                "no term ended by a deadline that had passed before it began: " + observer.lost);
    }

    @Test
    void aTermListenerThatBlocksDoesNotStopTheElectorFromLeadingAgain() {
        ScriptedStore store = new ScriptedStore(candidateStore());
        LeaderElector e = elector("patient", store, new RecordingObserver());
        e.start();
        await().atMost(PATIENCE).until(e::isLeader);
        dev.baton.Term first = e.currentTerm().orElseThrow();
        CountDownLatch unblock = new CountDownLatch(1);
        // A job's cancellation hook that takes its time (or waits on something that never comes).
        first.ended().thenRun(() -> {
            try {
                unblock.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            store.failWith(new LeaseStoreException(LeaseStoreException.Kind.SERVER_ERROR, 503, "503 injected", null));
            await().atMost(PATIENCE).until(() -> !first.isValid()); // ended by the deadline watchdog
            store.heal();
            await().atMost(PATIENCE).until(e::isLeader);
            assertTrue(e.currentTerm().orElseThrow().epoch() > first.epoch(), "a new term, while the hook still waits");
        } finally {
            unblock.countDown();
        }
    }

    @Test
    void twoCandidatesRacingForAnExpiredLeaseProduceOneLeaderAndOneConflict() {
        foreignWrite(LEASE, new LeaseRecord("gone", 1, Instant.now(), Instant.now(), 4, Map.of()));
        CountDownLatch bothRead = new CountDownLatch(2);
        ScriptedStore storeA = new ScriptedStore(candidateStore()).raceNextUpdateOn(bothRead);
        ScriptedStore storeB = new ScriptedStore(candidateStore()).raceNextUpdateOn(bothRead);
        List<LeaderElector> candidates = List.of(elector("a", storeA, null), elector("b", storeB, null));
        candidates.forEach(LeaderElector::start);

        await().atMost(PATIENCE).until(() -> leaders(candidates).size() == 1);
        // Both wrote from the same read of the expired lease: the server accepted one and refused the other (409).
        // The loser's answer may still be on its way when the winner already leads.
        await().atMost(PATIENCE).until(() -> storeA.updates.get() + storeB.updates.get() >= 2
                && storeA.lostUpdates.get() + storeB.lostUpdates.get() >= 1);
        assertEquals(1, storeA.lostUpdates.get() + storeB.lostUpdates.get(), "exactly one write lost the race: a " + storeA.updates + "/" + storeA.lostUpdates + "/" + storeA.gets + " b " + storeB.updates + "/" + storeB.lostUpdates + "/" + storeB.gets);
        LeaseRecord lease = read(LEASE).orElseThrow();
        assertEquals(leaders(candidates).get(0).identity(), lease.holderIdentity());
        assertEquals(5, lease.leaseTransitions(), "one change of holder, one increment");
    }

    @Test
    void twoProcessesWithTheSameIdentityNeverBothLead() throws Exception {
        List<LeaderElector> twins = List.of(elector("twin", candidateStore(), null),
                elector("twin", candidateStore(), null));
        twins.forEach(LeaderElector::start);
        await().atMost(PATIENCE).until(() -> leaders(twins).size() == 1);
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < end) {
            assertTrue(leaders(twins).size() <= 1, "both processes named 'twin' led at once");
            Thread.sleep(2);
        }
    }

    @Test
    void aLeaderThatSeesAForeignHolderStepsDownAndWaitsForItsExpiry() {
        RecordingObserver observer = new RecordingObserver();
        LeaderElector leader = elector("owner", candidateStore(), observer);
        leader.start();
        await().atMost(PATIENCE).until(leader::isLeader);

        foreignWrite(LEASE, new LeaseRecord("intruder", 15, Instant.now(), Instant.now(), 40, Map.of()));
        await().atMost(PATIENCE).until(() -> !observer.lost.isEmpty());
        LeadershipLost lost = observer.lost(0).event();
        assertEquals(Reason.TAKEN, lost.reason());
        assertEquals(Optional.of("intruder"), lost.newHolder());
        // The loss carries the very term the gain announced, already invalid, and names its holder as the gain does.
        assertSame(observer.acquired(0).term(), lost.term());
        assertFalse(lost.term().isValid());
        assertEquals("owner", lost.holder());
        assertFalse(leader.isLeader());
        assertEquals(Optional.of("intruder"), leader.holder());
        // That it then waits for the intruder's 15 s lease to expire is asserted on a fake clock:
        // ElectorStateMachineTest.aLeaderThatFindsAnotherHolderEndsItsTermAsTakenAndWaitsForThatLeaseToExpire.
    }

    @Test
    void aLeaseWithoutHolderIsTakenAtOnce() {
        foreignWrite(LEASE, new LeaseRecord(null, 30, null, null, null, Map.of()));
        LeaderElector candidate = elector("taker", candidateStore(), null, Duration.ofSeconds(30));
        candidate.start();
        // With a 30 s lease, waiting for expiry would exceed the wait.
        await().atMost(PATIENCE).until(candidate::isLeader);
        assertEquals(0, candidate.currentTerm().orElseThrow().epoch());
    }

    @Test
    void aHeldLeaseWithZeroDurationAndNoTimesIsJudgedByOurOwnDuration() {
        foreignWrite(LEASE, new LeaseRecord("broken-writer", 0, null, null, null, Map.of()));
        RecordingObserver observer = new RecordingObserver();
        LeaderElector candidate = elector("careful", candidateStore(), observer);
        long start = System.nanoTime();
        candidate.start();
        await().atMost(PATIENCE).until(candidate::isLeader);
        long waited = observer.acquired(0).atNanos() - start;
        assertTrue(waited >= Duration.ofSeconds(2).toNanos(),
                "took a lease with leaseDurationSeconds=0 after " + Duration.ofNanos(waited) + ", before our 2 s");
        LeaseRecord lease = read(LEASE).orElseThrow();
        assertEquals(2, lease.leaseDurationSeconds());
        assertTrue(lease.acquireTime() != null && lease.renewTime() != null);
    }

    @Test
    void aLeaseDeletedUnderItsLeaderIsRecreatedAndTheTermGoesOn() throws Exception {
        RecordingObserver observer = new RecordingObserver();
        LeaderElector leader = elector("keeper", candidateStore(), observer);
        leader.start();
        await().atMost(PATIENCE).until(leader::isLeader);
        long epoch = leader.currentTerm().orElseThrow().epoch();

        deleteLease(LEASE);
        await().atMost(PATIENCE).until(() -> read(LEASE).map(r -> "keeper".equals(r.holderIdentity())).orElse(false));
        assertTrue(leader.isLeader());
        assertTrue(observer.lost.isEmpty(), "the term survived: " + observer.lost);
        assertEquals(epoch, (long) read(LEASE).orElseThrow().leaseTransitions());
    }

    @Test
    void everyNewTermHasALargerEpoch() {
        RecordingObserver oa = new RecordingObserver();
        RecordingObserver ob = new RecordingObserver();
        LeaderElector a = elector("a", candidateStore(), oa);
        LeaderElector b = elector("b", candidateStore(), ob);
        a.start();
        await().atMost(PATIENCE).until(a::isLeader);
        b.start();
        await().atMost(PATIENCE).until(() -> b.holder().equals(Optional.of("a")));
        a.releaseNow();
        await().atMost(PATIENCE).until(b::isLeader);
        b.releaseNow();
        await().atMost(PATIENCE).until(a::isLeader);
        long first = oa.acquired(0).term().epoch();
        long second = ob.acquired(0).term().epoch();
        long third = oa.acquired(1).term().epoch();
        assertTrue(first < second && second < third, "epochs " + first + ", " + second + ", " + third);
        assertEquals(Reason.RELEASED, oa.lost(0).event().reason());
    }

    @Test
    void forbiddenIsReportedNamingTheVerbAndRetriedWithBackoffUntilGranted() {
        ScriptedStore store = new ScriptedStore(candidateStore()).failWith(new LeaseStoreException(
                LeaseStoreException.Kind.FORBIDDEN, 403,
                "403 forbidden: the ServiceAccount may not 'get' leases.coordination.k8s.io", null));
        LeaderElector candidate = elector("unprivileged", store, null);
        candidate.start();
        await().atMost(PATIENCE).until(() -> store.failures.get() >= 2); // retried
        assertFalse(candidate.isLeader());
        assertEquals(LeaseStoreException.Kind.FORBIDDEN, candidate.lastFailure().orElseThrow().kind());
        assertTrue(candidate.lastFailure().get().getMessage().contains("'get'"));
        // The backoff (the retry period doubling up to the lease duration) is asserted exactly on a fake clock:
        // ElectorStateMachineTest.forbiddenIsRetriedWithBackoffDoublingUpToTheLeaseDurationUntilGranted.

        store.heal();
        await().atMost(PATIENCE).until(candidate::isLeader);
        assertTrue(candidate.lastFailure().isEmpty());
    }

    @Test
    void withoutTheWatchVerbAStandbyPollsAndStillTakesOver() {
        LeaderElector leader = elector("watched", candidateStore(), null);
        leader.start();
        await().atMost(PATIENCE).until(leader::isLeader);
        ScriptedStore pollingStore = new ScriptedStore(candidateStore()).forbidWatch();
        LeaderElector poller = elector("poller", pollingStore, null);
        poller.start();
        await().atMost(PATIENCE).until(() -> poller.holder().equals(Optional.of("watched")));
        assertFalse(poller.isWatching());

        int before = pollingStore.gets.get();
        await().atMost(PATIENCE).until(() -> pollingStore.gets.get() >= before + 3); // it keeps polling
        leader.close(true, Duration.ofSeconds(5));
        await().atMost(PATIENCE).until(poller::isLeader);
    }

    @Test
    void aWatchingStandbySendsNoRequestsWhileTheLeaderRenews() throws Exception {
        LeaderElector leader = elector("busy", candidateStore(), null);
        leader.start();
        await().atMost(PATIENCE).until(leader::isLeader);
        ScriptedStore standbyStore = new ScriptedStore(candidateStore());
        LeaderElector standby = elector("quiet", standbyStore, null);
        standby.start();
        await().atMost(PATIENCE).until(() -> standby.holder().equals(Optional.of("busy")));
        Thread.sleep(500);
        int before = standbyStore.calls();
        Thread.sleep(4000); // two lease durations: a poller at 300 ms would send about 13 requests
        assertTrue(standby.isWatching());
        assertEquals(before, standbyStore.calls(), "a watching standby polled");
        assertFalse(standby.isLeader());
    }

    @Test
    void aLeaseDeletedUnderItsLeaderIsNotTakenByAWatchingStandbyWhileTheLeaderMayAct() throws Exception {
        LeaderElector leader = elector("holder", candidateStore(), null);
        leader.start();
        await().atMost(PATIENCE).until(leader::isLeader);
        LeaderElector standby = elector("standby", candidateStore(), null);
        standby.start();
        await().atMost(PATIENCE).until(() -> standby.holder().equals(Optional.of("holder")));
        List<LeaderElector> both = List.of(leader, standby);
        for (int round = 0; round < 5; round++) {
            deleteLease(LEASE);
            long end = System.nanoTime() + Duration.ofMillis(800).toNanos();
            while (System.nanoTime() < end) {
                assertTrue(leaders(both).size() <= 1, "round " + round + ": the standby led while the leader did");
                Thread.sleep(1);
            }
            await().atMost(PATIENCE).until(() -> read(LEASE).isPresent());
        }
        assertTrue(leader.isLeader(), "the leader recreated the Lease every time and kept leading");
    }

    @Test
    void aHolderClearedBySomeoneElseIsNotTakenBeforeItsLeaseExpires() throws Exception {
        LeaderElector leader = elector("cleared", candidateStore(), null);
        leader.start();
        await().atMost(PATIENCE).until(leader::isLeader);
        RecordingObserver standbyObserver = new RecordingObserver();
        LeaderElector standby = elector("patient", candidateStore(), standbyObserver);
        standby.start();
        await().atMost(PATIENCE).until(() -> standby.holder().equals(Optional.of("cleared")));
        leader.stopAcquiring(); // the old holder will not come back: the standby must wait, then take it

        long clearedAt = System.nanoTime();
        foreignWrite(LEASE, new LeaseRecord(null, 2, null, null, 7, Map.of()));
        await().atMost(PATIENCE).until(standby::isLeader);
        long waited = standbyObserver.acquired(0).atNanos() - clearedAt;
        assertTrue(waited >= Duration.ofSeconds(2).toNanos(),
                "took a Lease cleared by a third party after " + Duration.ofNanos(waited) + ", before 2 s");
    }

    @Test
    void releaseNowHandsLeadershipToAnotherReplicaEvenWhenPolling() {
        ScriptedStore storeA = new ScriptedStore(candidateStore()).forbidWatch();
        ScriptedStore storeB = new ScriptedStore(candidateStore()).forbidWatch();
        RecordingObserver oa = new RecordingObserver();
        LeaderElector a = elector("a", storeA, oa);
        a.start();
        await().atMost(PATIENCE).until(a::isLeader);
        LeaderElector b = elector("b", storeB, null);
        b.start();
        await().atMost(PATIENCE).until(() -> b.holder().equals(Optional.of("a")));
        for (int round = 0; round < 3; round++) {
            LeaderElector from = round % 2 == 0 ? a : b;
            LeaderElector to = round % 2 == 0 ? b : a;
            from.releaseNow();
            await().atMost(PATIENCE).until(to::isLeader);
            assertFalse(from.isLeader());
        }
        assertEquals(Reason.RELEASED, oa.lost(0).event().reason());
    }
}
