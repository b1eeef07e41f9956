package dev.baton.bench;

import static dev.baton.TestPatience.PATIENCE;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.baton.election.ElectionSettings;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.records.CronSlots;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.run.ApiServerReplicas;
import dev.baton.scheduling.run.RunnerReplica;

/**
 * What a leader writes to its Lease for a job that runs every second, with the default lease and renew deadline
 * (15 s, 10 s) and a 1 s retry period: PUTs per minute, split into renewals and record writes (a PUT that does not
 * move {@code renewTime}). Prints numbers, asserts nothing; one job of each catch-up kind, each alone on its Lease.
 * <p>
 * Run: {@code ./mvnw -B -q test -Dtest=RecordWriteBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbaton.bench.seconds=60} for a longer run; 30 by default).
 */
class RecordWriteBenchmark extends ApiServerReplicas {

    @Test
    void writesPerMinuteForAJobEverySecond() throws Exception {
        int seconds = Integer.getInteger("baton.bench.seconds", 30);
        JobSpec plain = new JobSpec("plain", "plain", CatchUp.SKIP, Optional.empty(), "every 1s", Optional.empty());
        JobSpec latest = new JobSpec("latest", "latest", CatchUp.RUN_LATEST, Optional.empty(), "cron * * * * * ?",
                Optional.of(CronSlots.quartz("* * * * * ?")));
        for (JobSpec job : List.of(plain, latest)) {
            String lease = lease(job.id());
            job = new JobSpec(job.id(), lease, job.catchUp(), job.startingDeadline(), job.schedule(), job.cron());
            RunnerReplica a = replica("a-" + job.id());
            a.register(job, ran, null);
            a.elect(new ElectionSettings(lease, a.name, Duration.ofSeconds(15), Duration.ofSeconds(10),
                    Duration.ofSeconds(1)));
            awaitLeader(List.of(a), lease);
            awaitRenewals(a, lease);
            int from = a.sent.size();
            long start = System.nanoTime();
            Instant first = Instant.parse("2026-01-01T10:00:00Z");
            for (int i = 0; i < seconds; i++) {
                Instant slot = first.plusSeconds(i);
                clock.set(slot);
                a.fire(job, slot, ran);
                long due = start + Duration.ofSeconds(i + 1).toNanos();
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
            }
            double minutes = (System.nanoTime() - start) / 60e9;
            List<RunnerReplica.Sent> puts = a.sent.subList(from, a.sent.size()).stream()
                    .filter(s -> s.lease().equals(lease)).toList();
            long renewals = puts.stream().filter(RunnerReplica.Sent::renewal).count();
            long records = puts.size() - renewals;
            System.out.printf("BENCH %-8s catch-up %-10s runs %3d in %.2f min: PUTs/min %6.1f = renewals %5.1f + "
                    + "record writes %5.1f (record writes per run %.2f)%n", job.id(), job.catchUp(), seconds, minutes,
                    puts.size() / minutes, renewals / minutes, records / minutes, (double) records / seconds);
            a.close();
            JobSpec done = job;
            await().atMost(PATIENCE).until(() -> !a.leads(done.leaseName()));
        }
    }
}
