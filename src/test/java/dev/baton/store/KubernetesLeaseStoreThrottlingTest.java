package dev.baton.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;

/** A 429 from the API server, as the store reports it: its own kind, the wait the server asked for, counted. */
class KubernetesLeaseStoreThrottlingTest {

    @Test
    void a429IsThrottledWithTheServersRetryAfterAndCounted() {
        try (ThrottlingApiServer server = new ThrottlingApiServer(); KubernetesClient client = server.client()) {
            KubernetesLeaseStore store = new KubernetesLeaseStore(client, "ns", "test");
            LeaseRecord record = new LeaseRecord("a", 15, Instant.now(), Instant.now(), 0, Map.of());
            LeaseSnapshot created = store.create("l", record).orElseThrow();

            server.throttle(1, 3);
            LeaseStoreException e = assertThrows(LeaseStoreException.class, () -> store.update(created, record));

            assertEquals(LeaseStoreException.Kind.THROTTLED, e.kind(), e.getMessage());
            assertEquals(429, e.status());
            assertEquals(Optional.of(Duration.ofSeconds(3)), e.retryAfter());
            assertTrue(e.getMessage().contains("'l'"), e.getMessage());
            assertEquals(1, store.throttled());
            assertTrue(store.update(created, record).isPresent(), "accepted once the server takes writes again");
            assertEquals(1, store.throttled());
        }
    }
}
