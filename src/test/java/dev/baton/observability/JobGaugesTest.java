package dev.baton.observability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.store.InMemoryLeaseStore;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The alerting gauges of two replicas sharing one Lease store: the leader runs the job, and both export what its
 * Lease says, so a rule's {@code max by (job)} reads the same whichever replica it scrapes.
 */
class JobGaugesTest {

    private static final String LEASE = "gauged";
    private final InMemoryLeaseStore store = new InMemoryLeaseStore("obs");
    private final SimpleMeterRegistry leaderMeters = new SimpleMeterRegistry();
    private final SimpleMeterRegistry standbyMeters = new SimpleMeterRegistry();
    private final LeadingReplica leader = new LeadingReplica("replica-a", store, leaderMeters);
    private final LeadingReplica standby = new LeadingReplica("replica-b", store, standbyMeters);
    private final JobSpec spec = new JobSpec("sync", LEASE, CatchUp.SKIP, Optional.empty(), "every 1m",
            Optional.empty(), Optional.of(Duration.ofMinutes(1)), JobOptions.DEFAULTS);

    @AfterEach
    void close() {
        leader.close();
        standby.close();
    }

    @Test
    void bothReplicasExportWhatTheJobsLeaseSays() throws Exception {
        for (LeadingReplica r : List.of(leader, standby)) {
            r.register(spec, null);
            new JobGauges(r == leader ? leaderMeters : standbyMeters, r.runner, java.time.Clock.systemUTC())
                    .register(spec);
        }
        leader.lead(LEASE);
        standby.elect(LEASE);
        for (SimpleMeterRegistry meters : List.of(leaderMeters, standbyMeters)) {
            assertEquals(Double.NaN, gauge(meters, "baton.job.last.success.timestamp"), "no run yet");
            assertEquals(60.0, gauge(meters, "baton.job.period"));
            assertEquals(0.0, gauge(meters, "baton.job.suspended"));
        }

        Instant slot = Instant.now().minusSeconds(1);
        leader.fire(spec, slot, () -> null);
        await().atMost(Duration.ofSeconds(20)).until(() -> !Double.isNaN(gauge(standbyMeters,
                "baton.job.last.success.timestamp")));
        double success = gauge(leaderMeters, "baton.job.last.success.timestamp");
        assertEquals(success, gauge(standbyMeters, "baton.job.last.success.timestamp"));
        for (SimpleMeterRegistry meters : List.of(leaderMeters, standbyMeters)) {
            assertEquals(slot.plusSeconds(60).toEpochMilli() / 1000.0, gauge(meters, "baton.job.next.fire.timestamp"));
            assertEquals(0.0, gauge(meters, "baton.job.failures.in.a.row"));
        }

        for (int i = 1; i <= 2; i++) {
            Instant next = slot.plusSeconds(60L * i);
            assertThrows(IllegalStateException.class, () -> leader.fire(spec, next, () -> {
                throw new IllegalStateException("ledger unreachable");
            }));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> gauge(standbyMeters, "baton.job.failures.in.a.row") == 2.0);
        assertEquals(2.0, gauge(leaderMeters, "baton.job.failures.in.a.row"));
        assertEquals(success, gauge(standbyMeters, "baton.job.last.success.timestamp"), "failures keep the last success");

        annotate(Map.of(spec.suspendKey(), "true"));
        await().atMost(Duration.ofSeconds(20)).until(() -> gauge(standbyMeters, "baton.job.suspended") == 1.0
                && gauge(leaderMeters, "baton.job.suspended") == 1.0);
    }

    private static double gauge(SimpleMeterRegistry meters, String name) {
        return meters.get(name).tag("job", "sync").gauge().value();
    }

    /** Adds annotations to the Lease as an operator's kubectl annotate would, retrying on conflicts. */
    private void annotate(Map<String, String> added) {
        for (int i = 0; i < 50; i++) {
            LeaseSnapshot s = store.get(LEASE).orElseThrow();
            Map<String, String> a = new HashMap<>(s.record().annotations());
            a.putAll(added);
            LeaseRecord r = s.record();
            if (store.update(s, new LeaseRecord(r.holderIdentity(), r.leaseDurationSeconds(), r.acquireTime(),
                    r.renewTime(), r.leaseTransitions(), a)).isPresent()) {
                return;
            }
        }
        throw new AssertionError("could not annotate " + LEASE);
    }
}
