package dev.baton.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import dev.baton.runtime.Elections;
import dev.baton.store.LeaseStoreException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With the Kubernetes store and no reachable API there is no leadership, and the failure is reported. */
@QuarkusTest
@TestProfile(UnreachableApiTest.NoApi.class)
class UnreachableApiTest {

    public static class NoApi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
            return Map.of("baton.store", "kubernetes", "quarkus.kubernetes-client.api-server-url", "http://127.0.0.1:9",
                    "baton.lease-duration", "2s", "baton.renew-deadline", "1200ms", "baton.retry-period", "300ms");
        }
    }

    @Inject
    Leadership leadership;

    @Inject
    Elections elections;

    @Test
    void neverLeadsAndReportsTheApiUnreachable() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> elections.service().lastFailure().isPresent());
        Thread.sleep(2500); // longer than the lease: an elector that fell back to anything would lead by now
        assertFalse(leadership.isLeader());
        LeaseStoreException failure = elections.service().lastFailure().orElseThrow();
        assertEquals(LeaseStoreException.Kind.UNREACHABLE, failure.kind(), failure.getMessage());
    }
}
