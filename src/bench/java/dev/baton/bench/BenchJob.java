package dev.baton.bench;

import java.nio.file.Path;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.baton.Leadership;
import dev.baton.LeadershipAcquired;
import dev.baton.LeadershipLost;
import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.SingletonRun;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * The failover benchmark's job: every slot, one {@link SlotRun}, either as a Baton singleton job (on the leader
 * only, told when its term ends, the latest missed slot caught up) or on every replica (the naive baseline).
 * Both schedules are {@code off} unless configured ({@link BenchConfig}). Leadership changes go to the same audit
 * log, so the harness measures gaps from what each replica saw.
 */
@ApplicationScoped
public class BenchJob {

    @Inject
    BenchConfig config;

    @Inject
    Leadership leadership;

    private AuditLog audit;
    private SlotRun slotRun;

    // Here rather than at start-up: the first term may begin before StartupEvent observers run.
    @PostConstruct
    void open() {
        if (config.enabled()) {
            String replica = leadership.identity();
            audit = new AuditLog(Path.of(config.auditFile().orElse("baton-bench-" + replica + ".audit")));
            slotRun = new SlotRun(replica, config.work(), audit, config.sinkUrl().map(FencedSinkClient::new));
        }
    }

    @Scheduled(identity = "baton-bench", cron = "${baton.bench.leader-cron:off}", skipExecutionIf = LeaderOnly.class)
    @SingletonJob(catchUp = SingletonJob.CatchUp.RUN_LATEST, startingDeadline = "${baton.bench.starting-deadline:10s}")
    void singleton() {
        SingletonRun run = SingletonRun.current().orElseThrow();
        if (slotRun != null) {
            slotRun.run(run.slot().toEpochMilli(), run.epoch(), run::isValid, run.catchUp());
        }
    }

    @Scheduled(identity = "baton-bench-naive", cron = "${baton.bench.naive-cron:off}")
    void naive(ScheduledExecution execution) {
        if (slotRun != null) {
            slotRun.run(execution.getScheduledFireTime().toEpochMilli(), 0, () -> true, false);
        }
    }

    // Only the service-wide Lease: per-job Leases (e.g. the example jobs') have their own terms.
    void acquired(@Observes LeadershipAcquired event) {
        if (audit != null && event.lease().equals(leadership.lease())) {
            audit.acquired(event.holder(), event.epoch(), System.currentTimeMillis());
        }
    }

    void lost(@Observes LeadershipLost event) {
        if (audit != null && event.lease().equals(leadership.lease())) {
            audit.lost(event.holder(), event.epoch(), System.currentTimeMillis(), event.reason().name());
        }
    }
}
