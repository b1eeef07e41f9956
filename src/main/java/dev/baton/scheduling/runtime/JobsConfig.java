package dev.baton.scheduling.runtime;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Singleton jobs: how they drain, spread and record. */
@ConfigMapping(prefix = "baton.jobs")
public interface JobsConfig {

    /**
     * On graceful shutdown, how long running singleton jobs may finish before they are interrupted (or cancelled);
     * the Lease is released after that. Keep it below the pod's {@code terminationGracePeriodSeconds}.
     */
    @WithDefault("20s")
    Duration drainTimeout();

    /**
     * Per-job Leases: a replica waits this long per job Lease it already holds (at most half of
     * {@code baton.retry-period}) before taking a free one, so job Leases spread across replicas. The electors of
     * successive job Leases are started four steps apart.
     */
    @WithDefault("250ms")
    Duration spreadStep();

    /**
     * At most this many job records (annotations {@code baton.dev/job.*}, at most 1 KiB each) in one Lease, well
     * under the 256 KiB Kubernetes allows for all annotations of an object; a record beyond it is not written.
     */
    @WithDefault("64")
    int maxRecords();

    /**
     * The largest offset of this replica's wall clock from the cluster's (measured from the API server's
     * {@code Date} headers, see {@code dev.baton.clock}) at which it still names cron slots. A clock is judged off
     * only when it is beyond this even after subtracting the measurement's uncertainty. The default, 2 s, is about
     * the finest the header allows: it has whole seconds, so one answer bounds the offset to about ±0.5 s and only
     * many answers narrow it further; a tighter limit would rest on luck, not on measurement. Two seconds is still
     * far above what NTP keeps nodes within (milliseconds), so a refused replica has a broken clock. {@code 0s}
     * refuses any provable offset; negative values fail start-up.
     */
    @WithName("max-clock-skew")
    @WithDefault("2s")
    Duration maxClockSkew();

    /**
     * How many of its last runs each singleton job keeps in its Lease (annotation {@code baton.dev/history.<id>},
     * newest first; 0 to 100). Bounded in bytes as well: at most 4 KiB per job and 64 KiB for all jobs of a Lease,
     * dropping the oldest entries to fit, so no number of jobs brings a Lease near Kubernetes' 256 KiB.
     */
    @WithDefault("10")
    int history();

    /**
     * Spread jobs ({@code @SingletonJob(spread = true)}): how long a history entry may wait before it is written to
     * its shard's history Lease ({@code <lease-name>-history-NN}). Histories are written apart from the records, all
     * of a shard's at once, at most this often and whenever the shard is handed over gracefully, because a Lease is
     * written whole and ten entries weigh ten records: at 200 jobs firing each minute, writing them with every batch
     * of records was 90 % of the bytes Baton sent. The holder shows its entries at once, the other replicas when they
     * land; a replica that dies loses at most this much history, never a record. {@code 0s}: with every batch of
     * records. Jobs without {@code spread} keep their history with their record, written together.
     */
    @WithName("spread-history-interval")
    @WithDefault("10m")
    Duration spreadHistoryInterval();
}
