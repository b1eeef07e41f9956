package dev.baton.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.baton.LeadershipLost;
import dev.baton.clock.Ticker;
import dev.baton.store.KubernetesLeaseStore;
import dev.baton.store.ThrottlingApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A leader whose renewals the API server answers with 429 (too many requests, retry after N s), on the test API
 * server: it waits as told before each next attempt, counts every 429, and keeps its term (and the Lease) until the
 * renew deadline; overload is not a reason to hand the Lease over sooner.
 */
class ThrottledRenewalTest {

    private final ThrottlingApiServer server = new ThrottlingApiServer();
    private final KubernetesClient client = server.client();
    private final KubernetesLeaseStore store = new KubernetesLeaseStore(client, "throttled", "baton-test");
    private LeaderElector elector;

    @AfterEach
    void stop() {
        if (elector != null) {
            elector.close(false, Duration.ofSeconds(2));
        }
        client.close();
        server.close();
    }

    @Test
    void aThrottledLeaderWaitsAsToldCountsItAndKeepsItsTerm() {
        // Two 429s asking for 2 s each: about 5 s without a renewal, within the 8 s renew deadline.
        RecordingObserver observer = start(Duration.ofSeconds(10), Duration.ofSeconds(8), Duration.ofSeconds(1));
        long epoch = observer.acquired(0).term().epoch();

        server.throttle(2, 2);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> renewedAfterThrottling(server.puts()));

        List<ThrottlingApiServer.Put> puts = server.puts();
        for (int i = 0; i < puts.size() - 1; i++) {
            if (puts.get(i).throttled()) {
                long waitedMs = TimeUnit.NANOSECONDS.toMillis(puts.get(i + 1).atNanos() - puts.get(i).atNanos());
                assertTrue(waitedMs >= 2000, "the attempt after a 429 asking for 2 s came " + waitedMs + " ms later");
            }
        }
        assertEquals(2, store.throttled(), "429s counted");
        assertEquals(List.of(), observer.lost, "no term ended");
        assertTrue(elector.isLeader(), "still the leader");
        assertEquals(epoch, elector.currentTerm().orElseThrow().epoch(), "the same term");
    }

    @Test
    void aWaitLongerThanTheTermHasLeftEndsItAtTheRenewDeadlineAndTheLeaseStillNamesTheHolder() {
        RecordingObserver observer = start(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500));
        observer.acquired(0);

        server.throttle(100, 30);
        LeadershipLost lost = observer.lost(0).event();

        assertEquals(LeadershipLost.Reason.RENEW_DEADLINE_PASSED, lost.reason(), "ended by its deadline");
        assertEquals(1, server.puts().stream().filter(ThrottlingApiServer.Put::throttled).count(),
                "no second attempt before the 30 s the server asked for");
        assertEquals("leader", client.leases().inNamespace("throttled").withName("throttled-lease").get().getSpec()
                .getHolderIdentity(), "the Lease was not given up");
    }

    private RecordingObserver start(Duration lease, Duration deadline, Duration retry) {
        RecordingObserver observer = new RecordingObserver();
        elector = new LeaderElector(store, new ElectionSettings("throttled-lease", "leader", lease, deadline, retry),
                observer, Ticker.SYSTEM);
        elector.start();
        return observer;
    }

    /** Both 429s answered, and a renewal accepted after them. */
    private static boolean renewedAfterThrottling(List<ThrottlingApiServer.Put> puts) {
        int throttled = 0;
        for (ThrottlingApiServer.Put p : puts) {
            if (p.throttled()) {
                throttled++;
            } else if (throttled == 2) {
                return true;
            }
        }
        return false;
    }
}
