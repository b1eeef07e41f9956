package dev.baton.observability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.baton.election.ElectionObserver;
import dev.baton.election.ElectionSettings;
import dev.baton.election.LeaderElector;
import dev.baton.election.PauseBeforeTaking;
import dev.baton.clock.Ticker;
import dev.baton.store.InMemoryLeaseStore;
import dev.baton.store.LeaseRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Whether anybody holds a Lease, as a replica that does not hold it tells: a holder that stops renewing is gone
 * once its lease duration has passed on this replica's monotonic clock without the Lease changing (a fake clock
 * here), and back as soon as the Lease changes again.
 */
class LeaseGaugesTest {

    private final InMemoryLeaseStore store = new InMemoryLeaseStore("obs");
    private final Map<String, LeaderElector> electors = new ConcurrentHashMap<>();
    private final AtomicLong nanos = new AtomicLong();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LeaseGauges gauges = new LeaseGauges(meters, electors::get, nanos::get);

    @AfterEach
    void close() {
        electors.values().forEach(e -> e.close(false, Duration.ofSeconds(2)));
    }

    @Test
    void aHolderThatStopsRenewingIsGoneAfterItsLeaseDuration() {
        store.create("svc", held("ghost", Instant.parse("2026-12-07T22:00:00Z")));
        LeaderElector standby = standby("svc");
        gauges.register("svc");
        await().atMost(Duration.ofSeconds(10)).until(() -> standby.leader().isPresent());

        assertEquals(1.0, held("svc"), "held by ghost, as first seen now");
        nanos.addAndGet(Duration.ofSeconds(14).toNanos());
        assertEquals(1.0, held("svc"), "14 s unchanged: within ghost's 15 s");
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(0.0, held("svc"), "16 s unchanged: ghost is gone");

        var s = store.get("svc").orElseThrow();
        store.update(s, held("ghost", Instant.parse("2026-12-07T22:00:16Z"))); // ghost renews after all
        await().atMost(Duration.ofSeconds(10)).until(() -> held("svc") == 1.0);
    }

    @Test
    void aFreeLeaseOrOneNotElectedHereIsNotHeldAndOneLedHereIs() {
        gauges.register("not-started");
        assertEquals(0.0, held("not-started"));

        store.create("free", new LeaseRecord(null, 15, null, null, 1, Map.of()));
        LeaderElector standby = standby("free");
        gauges.register("free");
        await().atMost(Duration.ofSeconds(10)).until(() -> standby.observed().isPresent());
        assertFalse(gauges.held("free"));

        LeaderElector leader = new LeaderElector(store, new ElectionSettings("mine", "replica-a",
                LeadingReplica.LEASE, LeadingReplica.DEADLINE, LeadingReplica.RETRY), ElectionObserver.NONE,
                Ticker.SYSTEM);
        electors.put("mine", leader);
        leader.start();
        gauges.register("mine");
        await().atMost(Duration.ofSeconds(20)).until(leader::isLeader);
        nanos.addAndGet(Duration.ofHours(1).toNanos());
        assertTrue(gauges.held("mine"), "a replica that leads knows it is held, however long since it looked");
    }

    /** An elector that watches {@code lease} but never takes it, as a standby that cannot. */
    private LeaderElector standby(String lease) {
        LeaderElector e = new LeaderElector(store, new ElectionSettings(lease, "replica-b", LeadingReplica.LEASE,
                LeadingReplica.DEADLINE, LeadingReplica.RETRY), ElectionObserver.NONE, Ticker.SYSTEM,
                new PauseBeforeTaking() {
                    @Override
                    public Duration beforeTaking() {
                        return Duration.ZERO;
                    }

                    @Override
                    public boolean mayTake() {
                        return false;
                    }
                });
        electors.put(lease, e);
        e.start();
        return e;
    }

    private static LeaseRecord held(String holder, Instant renewed) {
        return new LeaseRecord(holder, 15, Instant.parse("2026-12-07T21:00:00Z"), renewed, 1, Map.of());
    }

    private double held(String lease) {
        return meters.get("baton.lease.held").tag("lease", lease).gauge().value();
    }
}
