package dev.baton.observability;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.SingletonRun;
import io.quarkus.scheduler.Scheduled;

/** A singleton job for {@link OtlpExportTest}, off unless its profile schedules it; it keeps each run it made. */
@ApplicationScoped
public class TracedJob {

    static final String ID = "test-traced";
    static final List<SingletonRun> RUNS = new CopyOnWriteArrayList<>();

    @Scheduled(every = "${test.jobs.traced.every:off}", identity = ID, skipExecutionIf = LeaderOnly.class)
    @SingletonJob
    void run() {
        RUNS.add(SingletonRun.current().orElseThrow());
    }
}
