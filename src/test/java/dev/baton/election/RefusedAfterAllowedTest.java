package dev.baton.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.baton.clock.TestClock;
import dev.baton.store.KubernetesLeaseStore;
import dev.baton.store.LeaseStore;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * A 403 on the Lease, as the operator reads it in the log, against the Kubernetes test API server (CRUD) with a
 * switch that makes it answer 403 to chosen methods, as a real API server does to what its RBAC allows for a few
 * seconds after it restarts. The elector's clock is a {@link FakeTicker} (the requests are real): "a few seconds"
 * and "longer than the renew deadline" are exact, and the log is captured in-process.
 * <ul>
 * <li>allowed, refused for less than the renew deadline, allowed again: one WARN ("refused now, was allowed"), no
 * ERROR;</li>
 * <li>refused past the renew deadline: that WARN, then one ERROR naming the verb to grant;</li>
 * <li>refused on first use: the ERROR with the grant at once, no WARN; also for a verb never used before while
 * another verb has worked.</li>
 * </ul>
 */
class RefusedAfterAllowedTest {

    static final Duration LEASE = Duration.ofSeconds(15);
    static final Duration DEADLINE = Duration.ofSeconds(10);
    static final Duration RETRY = Duration.ofSeconds(2);
    static final String NAMESPACE = "refused";

    final Refusing refusing = new Refusing();
    final KubernetesMockServer server = start(refusing);
    final KubernetesClient client = server.createClient();
    final LeaseStore store = new KubernetesLeaseStore(client, NAMESPACE, "baton-test");
    final TestClock ticker = TestClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    final LogCapture log = new LogCapture();

    @AfterEach
    void stop() {
        log.close();
        watchdog.shutdownNow();
        client.close();
        server.destroy();
    }

    ElectorStateMachine elector(String lease, String identity) {
        return new ElectorStateMachine(store, new ElectionSettings(lease, identity, LEASE, DEADLINE, RETRY),
                new RecordingObserver(), ticker, PauseBeforeTaking.NONE, () -> 0.0, Runnable::run, () -> false,
                watchdog);
    }

    @Test
    void aRefusalShorterThanTheRenewDeadlineOfAVerbThatWorkedIsOneWarningAndNoError() {
        ElectorStateMachine leader = elector("brief", "me");
        leader.attempt(); // get (absent), create
        leader.attempt(); // update: the renewal
        assertTrue(leader.currentTerm().isPresent());

        refusing.methods = Set.of("GET", "PUT", "POST"); // the API server restarts: every verb refused
        for (int i = 0; i < 3; i++) { // 6 s of renewals refused, within the 10 s deadline
            ticker.advance(RETRY);
            leader.attempt();
        }
        refusing.methods = Set.of();
        ticker.advance(RETRY);
        leader.attempt();

        assertTrue(leader.lastFailure().isEmpty(), "the last renewal went through");
        assertTrue(leader.currentTerm().isPresent(), "the term lived through the refusal");
        assertEquals(List.of("WARN Lease refused/brief: 403 on 'update', refused now, was allowed: the API server may "
                + "be restarting or the Role changed; retrying with backoff (reported as a missing grant if it lasts "
                + "past the renew deadline, 10000 ms)"), log.warnings());
    }

    @Test
    void aStandbysReadsRefusedForAFewSecondsAreOneWarningAndNoError() {
        // The log: a standby polling a Lease held elsewhere, its 'get' refused while the API server restarts.
        ElectorStateMachine other = elector("polled", "other");
        other.attempt();
        other.stopWatchdog();
        ElectorStateMachine standby = elector("polled", "me");
        standby.attempt();

        refusing.methods = Set.of("GET");
        for (int i = 0; i < 3; i++) {
            ticker.advance(RETRY);
            standby.attempt();
        }
        refusing.methods = Set.of();
        ticker.advance(RETRY);
        standby.attempt();

        assertTrue(standby.lastFailure().isEmpty(), "the last read went through");
        assertEquals(List.of("WARN Lease refused/polled: 403 on 'get', refused now, was allowed: the API server may "
                + "be restarting or the Role changed; retrying with backoff (reported as a missing grant if it lasts "
                + "past the renew deadline, 10000 ms)"), log.warnings());
    }

    @Test
    void aRefusalPastTheRenewDeadlineIsThenReportedAsAMissingGrantOnce() {
        ElectorStateMachine leader = elector("long", "me");
        leader.attempt();
        leader.attempt();

        refusing.methods = Set.of("GET", "PUT", "POST");
        for (int i = 0; i < 10; i++) { // 20 s of refusals, twice the renew deadline
            ticker.advance(RETRY);
            leader.attempt();
        }

        List<String> said = log.warnings();
        assertEquals(2, said.size(), String.join("\n", said));
        assertTrue(said.get(0).startsWith("WARN Lease refused/long: 403 on 'update', refused now, was allowed"),
                said.get(0));
        // At the first refusal 10 s (the renew deadline) after the first one, its sixth; then only at DEBUG.
        assertTrue(said.get(1).startsWith("ERROR Lease refused/long: refused for 10000 ms (6 attempts in a row), past "
                + "the renew deadline, though allowed before: 403 forbidden: the ServiceAccount may not 'update'"),
                said.get(1));
        assertTrue(said.get(1).contains("grant verb 'update' on resource 'leases'"), said.get(1));
    }

    @Test
    void aRefusalOnFirstUseIsAMissingGrantAtOnce() {
        refusing.methods = Set.of("GET");
        ElectorStateMachine candidate = elector("never", "me");
        candidate.attempt();
        ticker.advance(RETRY);
        candidate.attempt();

        assertEquals(List.of("ERROR Lease refused/never: 403 forbidden: the ServiceAccount may not 'get' "
                + "leases.coordination.k8s.io 'never' in namespace 'refused'; grant verb 'get' on resource 'leases' "
                + "(apiGroup coordination.k8s.io) in its Role. This replica cannot lead until RBAC allows it; "
                + "retrying with backoff"), log.warnings());
    }

    @Test
    void aVerbNeverUsedBeforeIsAMissingGrantAtOnceThoughAnotherVerbWorked() {
        // Someone else's Lease, expired: a standby that has only read it now takes it, and the Role lacks 'update'.
        ElectorStateMachine other = elector("taken", "other");
        other.attempt();
        other.stopWatchdog();
        ElectorStateMachine standby = elector("taken", "me");
        standby.attempt(); // get: held, not expired
        refusing.methods = Set.of("PUT");
        ticker.advance(LEASE.plusSeconds(1));
        standby.attempt(); // get, then update: refused on first use

        List<String> said = log.warnings();
        assertEquals(1, said.size(), String.join("\n", said));
        assertTrue(said.get(0).startsWith("ERROR Lease refused/taken: 403 forbidden: the ServiceAccount may not "
                + "'update'"), said.get(0));
    }

    /** The CRUD test server behind a switch: requests whose method is in {@link #methods} are answered 403. */
    static final class Refusing extends Dispatcher {

        volatile Set<String> methods = Set.of();
        Dispatcher crud;

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            if (!methods.contains(request.getMethod())) {
                return crud.dispatch(request);
            }
            return new MockResponse().setResponseCode(403).setBody(Serialization.asJson(new StatusBuilder()
                    .withKind("Status").withApiVersion("v1").withStatus("Failure").withCode(403)
                    .withReason("Forbidden").withMessage("leases.coordination.k8s.io is forbidden: User "
                            + "\"system:serviceaccount:refused:baton\" cannot " + request.getMethod().toLowerCase()
                            + " resource \"leases\"")
                    .build()));
        }

        @Override
        public void shutdown() {
            crud.shutdown();
        }
    }

    static KubernetesMockServer start(Refusing refusing) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        refusing.crud = new KubernetesMixedDispatcher(responses, Collections.emptyList());
        KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new MockWebServer(), responses, refusing, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    /** What {@link Failures} logs at WARN or above, as "LEVEL message". */
    static final class LogCapture extends Handler implements AutoCloseable {

        private final Logger logger = Logger.getLogger(Failures.class.getName());
        private final List<String> said = new CopyOnWriteArrayList<>();

        LogCapture() {
            setLevel(Level.ALL);
            logger.addHandler(this);
        }

        List<String> warnings() {
            return List.copyOf(said);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                Object[] params = record.getParameters();
                String message = params == null || params.length == 0 ? record.getMessage()
                        : String.format(record.getMessage(), params);
                said.add((record.getLevel().intValue() >= Level.SEVERE.intValue() ? "ERROR " : "WARN ") + message);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
