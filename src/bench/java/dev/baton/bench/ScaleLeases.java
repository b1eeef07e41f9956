package dev.baton.bench;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.baton.election.LeaderElector;
import dev.baton.election.LeaseSpreading;
import dev.baton.election.PauseBeforeTaking;
import dev.baton.runtime.Elections;
import dev.baton.scheduling.runtime.JobsConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * The SCALE benchmark's job Leases: {@code baton.bench.scale.leases} Leases contested through
 * {@link Elections#forLease(String, PauseBeforeTaking)} the way per-job Leases are (started one after another,
 * each pausing before a take for the Leases this replica already holds), without a job on most of them: what a
 * replica pays per Lease is what the benchmark measures, and that is the elector's cost, not the job's.
 */
@ApplicationScoped
public class ScaleLeases {

    private static final Logger LOG = Logger.getLogger(ScaleLeases.class);

    @Inject
    ScaleConfig config;

    @Inject
    Elections elections;

    @Inject
    JobsConfig jobs;

    private final List<LeaderElector> electors = new CopyOnWriteArrayList<>();

    /** The name of the {@code i}-th job Lease (also used by {@link ScaleJobs}' annotations). */
    static String leaseName(int i) {
        return String.format(Locale.ROOT, "scale-%04d", i);
    }

    void onStart(@Observes StartupEvent event) {
        int n = config.leases();
        if (n <= 0 || !elections.enabled()) {
            return;
        }
        List<String> names = IntStream.range(0, n).mapToObj(ScaleLeases::leaseName).toList();
        PauseBeforeTaking pause = LeaseSpreading.pausePerLeaseHeld(this::held, jobs.spreadStep());
        LeaseSpreading.startOneByOne(names, config.startStep(), name -> {
            electors.add(elections.forLease(name, pause));
            if (electors.size() == n) {
                // The harness waits for this line before it measures.
                LOG.infof("Scale: all %d job Leases contested", n);
            }
        });
    }

    private int held() {
        return (int) electors.stream().filter(LeaderElector::isLeader).count();
    }
}
