package dev.baton.election;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.baton.clock.Ticker;
import dev.baton.store.KubernetesLeaseStore;
import dev.baton.store.LeaseStore;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Many Leases, one watch: the electors of one process share one label-selected watch of the namespace's Leases and a
 * fixed set of threads, a change reaches only its own Lease's elector, and where RBAC forbids listing Leases (or a
 * Lease lacks Baton's label) they fall back to what works. Against the Kubernetes test API server (CRUD), every
 * request recorded; a replica is a store over a client of its own.
 */
class SharedWatchTest {

    static final String NAMESPACE = "scale";
    // A 60 s lease: a standby that took over by waiting for expiry would not make any of the 20 s waits below.
    static final Duration LEASE = Duration.ofSeconds(60);

    KubernetesMockServer server;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    volatile boolean forbidListingLeases;
    final List<LeaderElector> electors = new ArrayList<>();
    final List<KubernetesClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        Dispatcher crud = new KubernetesMixedDispatcher(responses, Collections.emptyList());
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), responses,
                new Recording(crud), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        electors.forEach(e -> e.close(false, Duration.ofSeconds(2)));
        clients.forEach(KubernetesClient::close);
        server.destroy();
    }

    /** Records "METHOD path?query" and answers as RBAC would without list/watch on the collection, when asked. */
    final class Recording extends Dispatcher {
        private final Dispatcher crud;

        Recording(Dispatcher crud) {
            this.crud = crud;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String line = request.getMethod() + " " + URLDecoder.decode(request.getPath(), StandardCharsets.UTF_8);
            requests.add(line);
            if (forbidListingLeases && line.contains("/leases?") && line.contains("labelSelector=")) {
                return new MockResponse().setResponseCode(403).setBody(Serialization.asJson(new StatusBuilder().withCode(403)
                        .withReason("Forbidden").withMessage("leases.coordination.k8s.io is forbidden: cannot list "
                                + "resource \"leases\" in the namespace \"" + NAMESPACE + "\"")
                        .build()));
            }
            return crud.dispatch(request);
        }

        @Override
        public void shutdown() {
            crud.shutdown();
        }
    }

    KubernetesLeaseStore replica() {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(server.createClient().getConfiguration())
                .build();
        clients.add(client);
        return new KubernetesLeaseStore(client, NAMESPACE, "baton-test");
    }

    LeaderElector elector(LeaseStore store, String lease, String identity, Duration leaseDuration) {
        LeaderElector e = new LeaderElector(store, new ElectionSettings(lease, identity, leaseDuration,
                leaseDuration.multipliedBy(2).dividedBy(3), Duration.ofMillis(500)), null, Ticker.SYSTEM);
        electors.add(e);
        e.start();
        return e;
    }

    List<LeaderElector> electors(LeaseStore store, String identity, int count) {
        return IntStream.range(0, count).mapToObj(i -> elector(store, "job-" + i, identity, LEASE)).toList();
    }

    long watchRequests(String kind) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.startsWith("GET ") && r.contains("/leases?")
                    && r.contains("watch=true") && r.contains(kind)).count();
        }
    }

    long reads(String lease) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.startsWith("GET ") && r.endsWith("/leases/" + lease)).count();
        }
    }

    static long batonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("baton-")).count();
    }

    @Test
    void fiftyLeasesShareOneWatchAndTheThreadsOfOne() {
        LeaseStore store = replica();
        LeaderElector first = elector(store, "job-first", "a", LEASE);
        await().atMost(PATIENCE).until(first::isLeader);
        long threadsWithOne = batonThreads();

        List<LeaderElector> more = electors(store, "a", 49);
        await().atMost(PATIENCE).until(() -> more.stream().allMatch(LeaderElector::isLeader));

        assertEquals(threadsWithOne, batonThreads(), "baton threads with 1 Lease and with 50");
        assertEquals(1, watchRequests("labelSelector=" + LeaseStore.BATON_LABEL), "one watch for the namespace");
        assertEquals(0, watchRequests("fieldSelector="), "no watch per Lease");
        assertTrue(more.stream().allMatch(LeaderElector::isWatching));
    }

    @Test
    void aReleaseWakesItsOwnStandbyAtOnceAndNoOther() {
        List<LeaderElector> leaders = electors(replica(), "a", 5);
        await().atMost(PATIENCE).until(() -> leaders.stream().allMatch(LeaderElector::isLeader));
        List<LeaderElector> standbys = electors(replica(), "b", 5);
        await().atMost(PATIENCE).until(() -> standbys.stream().allMatch(s -> s.holder().equals(Optional.of("a"))));
        assertEquals(2, watchRequests("labelSelector="), "one watch per replica");
        long[] readsBefore = IntStream.range(0, 5).mapToLong(i -> reads("job-" + i)).toArray();

        leaders.get(2).close(true, Duration.ofSeconds(5));

        await().atMost(PATIENCE).until(standbys.get(2)::isLeader);
        for (int i : new int[] {0, 1, 3, 4}) {
            assertFalse(standbys.get(i).isLeader());
            assertEquals(readsBefore[i], reads("job-" + i), "the standby of job-" + i + " was not woken");
        }
        assertTrue(reads("job-2") > readsBefore[2], "job-2's standby read it before taking it");
    }

    @Test
    void withoutListingLeasesEachLeaseIsWatchedByNameAndStandbysStillTakeOverAtOnce() {
        forbidListingLeases = true;
        List<LeaderElector> leaders = electors(replica(), "a", 3);
        await().atMost(PATIENCE).until(() -> leaders.stream().allMatch(LeaderElector::isLeader));
        List<LeaderElector> standbys = electors(replica(), "b", 3);
        await().atMost(PATIENCE).until(() -> standbys.stream().allMatch(s -> s.holder().equals(Optional.of("a"))));
        await().atMost(PATIENCE).until(() -> watchRequests("fieldSelector=") == 6);
        assertTrue(standbys.stream().allMatch(LeaderElector::isWatching), "watching, by name");

        leaders.get(1).close(true, Duration.ofSeconds(5));

        await().atMost(PATIENCE).until(standbys.get(1)::isLeader);
        assertFalse(standbys.get(0).isLeader());
        assertFalse(standbys.get(2).isLeader());
    }

    @Test
    void aLeaseWithoutBatonsLabelIsPolledUntilABatonLeaderWritesIt() {
        // Created by someone else (the seed's sidecar, say), without the label, held by a holder that then dies.
        try (KubernetesClient admin = server.createClient()) {
            admin.leases().inNamespace(NAMESPACE).resource(new LeaseBuilder()
                    .withNewMetadata().withName("foreign").withNamespace(NAMESPACE).endMetadata()
                    .withNewSpec().withHolderIdentity("sidecar").withLeaseDurationSeconds(10).endSpec()
                    .build()).create();
        }
        LeaseStore store = replica();
        LeaderElector labelled = elector(store, "job-0", "a", LEASE); // the shared watch is open and delivers
        await().atMost(PATIENCE).until(labelled::isLeader);
        LeaderElector standby = elector(store, "foreign", "a", Duration.ofSeconds(6));

        await().atMost(PATIENCE).until(() -> standby.holder().equals(Optional.of("sidecar")));
        await().atMost(PATIENCE).until(() -> !standby.isWatching());
        long polled = reads("foreign");
        await().atMost(PATIENCE).until(() -> reads("foreign") >= polled + 2); // reads while the holder is still valid
        assertTrue(labelled.isWatching(), "the other Lease is still delivered");

        // The sidecar's Lease expires; Baton takes it, and its write labels it: the shared watch delivers it again.
        await().atMost(PATIENCE).until(standby::isLeader);
        await().atMost(PATIENCE).until(standby::isWatching);
        assertEquals(1, watchRequests("labelSelector="), "still the one watch");
    }
}
