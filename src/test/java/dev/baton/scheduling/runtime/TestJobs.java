package dev.baton.scheduling.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.SingletonRun;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/** Jobs of each kind for {@link SingletonJobsWiringTest}; off unless its profile sets the schedule. */
@ApplicationScoped
public class TestJobs {

    static final List<SingletonRun> SERVICE_RUNS = new CopyOnWriteArrayList<>();
    static final List<SingletonRun> OWN_LEASE_RUNS = new CopyOnWriteArrayList<>();
    static final List<String> PER_REPLICA_RUNS = new CopyOnWriteArrayList<>();

    @Scheduled(every = "${test.jobs.every:off}", identity = "test-singleton", skipExecutionIf = LeaderOnly.class)
    @SingletonJob
    void singleton() {
        SERVICE_RUNS.add(SingletonRun.current().orElseThrow());
    }

    @Scheduled(cron = "${test.jobs.cron:off}", identity = "test-own-lease")
    @SingletonJob(lease = "test-own-lease", catchUp = SingletonJob.CatchUp.RUN_LATEST, startingDeadline = "1m")
    void ownLease(ScheduledExecution execution) {
        OWN_LEASE_RUNS.add(SingletonRun.current().orElseThrow());
    }

    @Scheduled(every = "${test.jobs.every:off}", identity = "test-per-replica")
    void perReplica() {
        PER_REPLICA_RUNS.add("ran");
    }
}
