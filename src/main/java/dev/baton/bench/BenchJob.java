package dev.baton.bench;

import java.nio.file.Path;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.baton.Leadership;
import dev.baton.LeadershipAcquired;
import dev.baton.LeadershipLost;
import dev.baton.Term;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.ScheduledExecution;
import io.quarkus.scheduler.Scheduler;

/**
 * The failover benchmark's job: every slot, on the leader only (or on every replica in the naive baseline), one
 * {@link SlotRun}. Scheduled programmatically so that, with {@code baton.bench.enabled=false} (the default), no
 * trigger exists at all. Leadership changes go to the same audit log, so the harness measures gaps from what each
 * replica saw.
 */
@ApplicationScoped
public class BenchJob {

    private static final Logger LOG = Logger.getLogger(BenchJob.class);
    static final String JOB_IDENTITY = "baton-bench";

    @Inject
    BenchConfig config;

    @Inject
    Leadership leadership;

    @Inject
    Scheduler scheduler;

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

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        String replica = leadership.identity();
        scheduler.newJob(JOB_IDENTITY)
                .setCron(config.cron())
                .setSkipPredicate(this::skip)
                .setTask(this::run)
                .schedule();
        LOG.infof("Bench job scheduled (%s, gate %s) as %s", config.cron(), config.gate(), replica);
    }

    private boolean skip(ScheduledExecution execution) {
        return config.gate() == BenchConfig.Gate.LEADER && !leadership.isLeader();
    }

    private void run(ScheduledExecution execution) {
        long slot = execution.getScheduledFireTime().toEpochMilli();
        if (config.gate() == BenchConfig.Gate.NAIVE) {
            slotRun.run(slot, 0, () -> true);
            return;
        }
        // The term may have ended between the skip predicate and now: then this slot is not ours.
        Optional<Term> term = leadership.currentTerm();
        if (term.isEmpty()) {
            return;
        }
        Term t = term.get();
        slotRun.run(slot, t.epoch(), t::isValid);
    }

    void acquired(@Observes LeadershipAcquired event) {
        if (audit != null) {
            audit.acquired(event.identity(), event.epoch(), System.currentTimeMillis());
        }
    }

    void lost(@Observes LeadershipLost event) {
        if (audit != null) {
            audit.lost(event.identity(), event.epoch(), System.currentTimeMillis(), event.reason().name());
        }
    }
}
