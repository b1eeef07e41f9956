package dev.baton.scheduling.gate;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import dev.baton.clock.ClockTrust;
import dev.baton.clock.ClusterClock;
import dev.baton.election.LeaderElector;
import dev.baton.election.PauseBeforeTaking;
import dev.baton.scheduling.LeaderOnly;

/**
 * Refuse, don't guess: while this replica's wall clock is provably off the cluster's by more than
 * {@code baton.jobs.max-clock-skew} ({@link ClusterClock#trust()}), it names no slot and so runs none, and it holds
 * no job Lease, so that a replica with a good clock runs those jobs.
 * <ul>
 * <li>A fire is skipped with reason {@value #SKIP_REASON} ({@link #skipReason}: {@link LeaderOnly} and
 * {@code ClockSkewLink}). Every singleton job and every job gated by {@code LeaderOnly}: a cron slot is named by
 * this clock, an {@code every} run is recorded under it, and a leader-only job without a record fires by it, so a
 * clock 330 s behind fires again, after a handover, what the previous leader fired in its last 330 s.</li>
 * <li>Job Leases: their electors are built with {@link #guarding}, which tells the election this replica may not
 * take one; a holder gives its Lease up ({@link #afterRound}, through {@link LeaderElector#releaseNow()}). The
 * service Lease, when it has jobs, is handed over too, but with a bounded hold-back ({@link ServiceLeaseHandover}):
 * if no replica with a good clock takes it, this one leads anyway and the jobs on it do not run meanwhile.</li>
 * <li>Said once per change: a WARN with the offset and the fix when the clock turns bad, an INFO when it is good
 * again.</li>
 * </ul>
 * An unmeasured clock (the embedded store, or no API answer with a {@code Date} header yet) is not refused; see
 * {@link ClockTrust#UNMEASURED}. Records stay the last line of defence then: {@code ClockBehindLink}.
 */
public final class ClockSkew {

    public static final String SKIP_REASON = "clock-skew";

    private static final Logger LOG = Logger.getLogger(ClockSkew.class);

    private final ClusterClock clock;
    /** The verdict last seen, so that a change is logged once, by the one thread that sees it first. */
    private final AtomicReference<ClockTrust> last = new AtomicReference<>(ClockTrust.UNMEASURED);

    /** @param clock this replica's offset from the cluster's clock ({@link ClusterClock#noCluster()}: none to compare with) */
    public ClockSkew(ClusterClock clock) {
        this.clock = clock;
    }

    /** True while this replica's clock must not name slots; a change of the answer is logged once. Non-blocking. */
    public boolean refuses() {
        ClockTrust now = clock.trust();
        ClockTrust before = last.getAndSet(now);
        if (now.refuses() && !before.refuses()) {
            LOG.warnf("This replica's wall clock is off the cluster's by %s, more than baton.jobs.max-clock-skew "
                    + "(%s): it runs no singleton job slot and holds no job Lease (it releases those it holds) until "
                    + "its clock is back within three quarters of it; it hands the service Lease over too when that "
                    + "Lease has jobs, unless no replica with a good clock takes it. Fix the node's time "
                    + "synchronisation (chronyd, ntpd or systemd-timesyncd: 'chronyc tracking', 'timedatectl status'; "
                    + "for a VM, its host's clock); the offset is shown in GET /jobs ('clock'), readiness "
                    + "('clockOffset') and baton_clock_offset_seconds", describe(), ClockBehind.seconds(maxSkew()));
        } else if (!now.refuses() && before.refuses()) {
            LOG.infof("This replica's wall clock is back within three quarters of baton.jobs.max-clock-skew (%s) of "
                    + "the cluster's (%s): singleton job slots run here again and it competes for job Leases and the "
                    + "service Lease", ClockBehind.seconds(maxSkew()), describe());
        }
        return now.refuses();
    }

    /** {@value #SKIP_REASON} while {@link #refuses()}, else empty. */
    public Optional<String> skipReason() {
        return refuses() ? Optional.of(SKIP_REASON) : Optional.empty();
    }

    /**
     * The pause a job Lease's elector is built with: {@code spreading}'s, and no take at all while the clock is off
     * (the election asks again about every retry period).
     */
    public PauseBeforeTaking guarding(PauseBeforeTaking spreading) {
        return spreading.refusingWhile(this::refuses);
    }

    /**
     * After a round of a job Lease's elector (each renewal brings a fresh measurement) or the start of its term: a
     * holder whose clock is off releases the Lease now, instead of holding it unused until it stops.
     */
    public void afterRound(LeaderElector jobLease) {
        if (jobLease.isLeader() && refuses()) {
            LOG.infof("Lease %s: released, as this replica's clock is off (%s); a replica with a good clock takes it",
                    jobLease.lease(), describe());
            jobLease.releaseNow();
        }
    }

    /** The estimate for people, e.g. {@code -330.12s ±0.05s (12 samples)}. */
    String describe() {
        return clock.current().describe();
    }

    /** {@code baton.jobs.max-clock-skew}, or its default when there is no cluster clock. */
    Duration maxSkew() {
        return clock.maxSkew();
    }
}
