package dev.baton.http.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.baton.store.ForwardingLeaseStore;
import dev.baton.store.InMemoryLeaseStore;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;

/**
 * The dev controls write one annotation as {@code kubectl annotate} would: conditionally, re-reading after a
 * conflict, and leaving everything else of the Lease as it was (the holder's spec, its job records).
 */
class AnnotateLeaseTest {

    static final String LEASE = "baton-leader";
    static final Instant ACQUIRED = Instant.parse("2026-11-25T22:00:00Z");
    static final Instant RENEWED = Instant.parse("2026-11-25T22:45:17Z");
    static final Map<String, String> OTHERS = Map.of(
            "baton.dev/holder-instance", "3f2a",
            "baton.dev/job.cluster-summary", "{\"slot\":\"2026-11-25T22:45:17Z\",\"replica\":\"baton-1\","
                    + "\"epoch\":3,\"outcome\":\"SUCCEEDED\"}",
            "example.com/owner", "team-a");

    final InMemoryLeaseStore store = new InMemoryLeaseStore("default");

    LeaseRecord held(Map<String, String> annotations) {
        return new LeaseRecord("baton-1", 15, ACQUIRED, RENEWED, 3, annotations);
    }

    @Test
    void setsTheKeyAndKeepsEverythingElse() {
        store.create(LEASE, held(OTHERS));
        var result = new AnnotateLease(store).annotate(LEASE, "baton.dev/suspend.report", "true");

        LeaseRecord now = store.get(LEASE).orElseThrow().record();
        assertInstanceOf(AnnotateLease.Written.class, result);
        assertEquals("true", now.annotation("baton.dev/suspend.report"));
        OTHERS.forEach((k, v) -> assertEquals(v, now.annotation(k), k));
        assertEquals(OTHERS.size() + 1, now.annotations().size());
        assertEquals(held(now.annotations()), now, "holder, duration, times and transitions are written back as read");
    }

    @Test
    void removesTheKeyAndKeepsEverythingElse() {
        Map<String, String> suspended = new java.util.HashMap<>(OTHERS);
        suspended.put("baton.dev/suspend.report", "true");
        store.create(LEASE, held(suspended));

        new AnnotateLease(store).annotate(LEASE, "baton.dev/suspend.report", null);

        assertEquals(held(OTHERS), store.get(LEASE).orElseThrow().record());
    }

    @Test
    void aRenewalBetweenTheReadAndTheWriteIsKeptAndTheControlWrittenOnTopOfIt() {
        store.create(LEASE, held(OTHERS));
        Instant renewedAgain = RENEWED.plusSeconds(2);
        AtomicInteger updates = new AtomicInteger();
        // The holder renews just after the control read the Lease: the control's first write must lose (409) and
        // the second must carry the renewal, not roll it back.
        var renewingStore = new ForwardingLeaseStore(store) {
            @Override
            public Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record) {
                if (updates.getAndIncrement() == 0) {
                    LeaseRecord r = previous.record();
                    store.update(previous, new LeaseRecord(r.holderIdentity(), r.leaseDurationSeconds(),
                            r.acquireTime(), renewedAgain, r.leaseTransitions(), r.annotations()));
                }
                return super.update(previous, record);
            }
        };

        var result = new AnnotateLease(renewingStore).annotate(LEASE, "baton.dev/run.report", "token-1");

        assertInstanceOf(AnnotateLease.Written.class, result);
        assertEquals(2, updates.get(), "one lost write, one that won");
        LeaseRecord now = store.get(LEASE).orElseThrow().record();
        assertEquals(renewedAgain, now.renewTime(), "the renewal is kept");
        assertEquals("token-1", now.annotation("baton.dev/run.report"));
    }

    @Test
    void aLeaseThatChangesOnEveryAttemptIsReportedAndNotOverwritten() {
        store.create(LEASE, held(OTHERS));
        var alwaysChanged = new ForwardingLeaseStore(store) {
            @Override
            public Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record) {
                LeaseRecord r = previous.record();
                store.update(previous, new LeaseRecord(r.holderIdentity(), r.leaseDurationSeconds(), r.acquireTime(),
                        r.renewTime().plusSeconds(1), r.leaseTransitions(), r.annotations()));
                return super.update(previous, record);
            }
        };

        var result = new AnnotateLease(alwaysChanged).annotate(LEASE, "baton.dev/suspend.report", "true");

        assertInstanceOf(AnnotateLease.KeptChanging.class, result);
        assertFalse(store.get(LEASE).orElseThrow().record().annotations().containsKey("baton.dev/suspend.report"));
    }

    @Test
    void noLeaseNoWrite() {
        assertInstanceOf(AnnotateLease.NoLease.class,
                new AnnotateLease(store).annotate(LEASE, "baton.dev/suspend.report", "true"));
        assertEquals(Optional.empty(), store.get(LEASE), "the control never creates a Lease");
    }

    @Test
    void writingWhatIsAlreadyThereChangesNothing() {
        Map<String, String> suspended = new java.util.HashMap<>(OTHERS);
        suspended.put("baton.dev/suspend.report", "true");
        String version = store.create(LEASE, held(suspended)).orElseThrow().resourceVersion();

        var result = new AnnotateLease(store).annotate(LEASE, "baton.dev/suspend.report", "true");

        assertEquals(new AnnotateLease.Written(LEASE, "baton.dev/suspend.report", "true", version), result);
        assertEquals(version, store.get(LEASE).orElseThrow().resourceVersion());
    }
}
