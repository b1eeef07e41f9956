package dev.baton.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The optimistic-concurrency rules the elector relies on, asserted against each store. Run against the Kubernetes
 * test server, these tests are how we know what it emulates: a stale resourceVersion is refused (409), a second
 * create is refused (409), a write to a deleted Lease is refused (404), and watches deliver changes and deletions.
 */
abstract class LeaseStoreContractTest {

    static final String NAME = "store-contract";

    abstract LeaseStore store();

    @AfterEach
    void deleteLease() {
        store().get(NAME).ifPresent(s -> remove(NAME));
    }

    abstract void remove(String name);

    static LeaseRecord record(String holder, int transitions) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return new LeaseRecord(holder, 15, now, now, transitions, Map.of("baton.dev/test", holder));
    }

    @Test
    void aCreatedLeaseReadsBackFieldForField() {
        LeaseRecord written = record("pod-a", 3);
        LeaseSnapshot created = store().create(NAME, written).orElseThrow();
        LeaseSnapshot read = store().get(NAME).orElseThrow();
        assertEquals(created.resourceVersion(), read.resourceVersion());
        assertEquals(written.holderIdentity(), read.record().holderIdentity());
        assertEquals(written.leaseDurationSeconds(), read.record().leaseDurationSeconds());
        assertEquals(written.acquireTime(), read.record().acquireTime());
        assertEquals(written.renewTime(), read.record().renewTime());
        assertEquals(written.leaseTransitions(), read.record().leaseTransitions());
        assertEquals("pod-a", read.record().annotation("baton.dev/test"));
    }

    @Test
    void aSecondCreateLosesInsteadOfOverwriting() {
        store().create(NAME, record("first", 0)).orElseThrow();
        assertEquals(Optional.empty(), store().create(NAME, record("second", 0)));
        assertEquals("first", store().get(NAME).orElseThrow().record().holderIdentity());
    }

    @Test
    void anUpdateFromAStaleResourceVersionIsRefused() {
        LeaseSnapshot v1 = store().create(NAME, record("a", 0)).orElseThrow();
        LeaseSnapshot v2 = store().update(v1, record("b", 1)).orElseThrow();
        assertNotEquals(v1.resourceVersion(), v2.resourceVersion());
        // A writer still holding v1 must lose, not overwrite b.
        assertEquals(Optional.empty(), store().update(v1, record("c", 1)));
        assertEquals("b", store().get(NAME).orElseThrow().record().holderIdentity());
    }

    @Test
    void anUpdateOfADeletedLeaseIsRefused() {
        LeaseSnapshot v1 = store().create(NAME, record("a", 0)).orElseThrow();
        remove(NAME);
        assertEquals(Optional.empty(), store().update(v1, record("a", 0)));
        assertEquals(Optional.empty(), store().get(NAME));
    }

    @Test
    void aWatchDeliversChangesAndDeletion() throws Exception {
        List<Optional<LeaseSnapshot>> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable watch = store().watch(NAME, new LeaseStore.LeaseWatcher() {
            @Override
            public void onChange(Optional<LeaseSnapshot> snapshot) {
                seen.add(snapshot);
            }

            @Override
            public void onClose(LeaseStoreException cause) {
            }
        })) {
            LeaseSnapshot v1 = store().create(NAME, record("a", 0)).orElseThrow();
            store().update(v1, record("b", 1)).orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream()
                    .anyMatch(s -> s.map(x -> "b".equals(x.record().holderIdentity())).orElse(false)));
            remove(NAME);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(Optional::isEmpty));
        }
        assertTrue(seen.stream().anyMatch(s -> s.map(x -> "a".equals(x.record().holderIdentity())).orElse(false)));
    }
}
