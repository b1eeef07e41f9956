package dev.baton.scheduling.gate;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import dev.baton.election.LeaderElector;
import dev.baton.election.PauseBeforeTaking;

/**
 * A replica that cannot run the service Lease's jobs hands that Lease over (issue 20): while {@link ClockSkew}
 * refuses its clock, it releases the service Lease if it holds it and that Lease has jobs, and holds back from taking
 * it, so that a replica with a good clock leads and the jobs run there. The hold-back is bounded: if no replica takes
 * the Lease within {@code bound} (every replica's clock is off, or this one is alone), this one takes it and keeps it,
 * so that leadership goes on ({@code Leadership}, {@code LeadershipAcquired}, the sidecar) and the jobs pause, said as
 * before ({@code clock-skew}); it gives the Lease up again only after its clock has been trusted in between.
 * <ul>
 * <li>The bound runs from the release, or from the first take this replica refused; the step-aside after a release
 * lasts one lease duration, so with {@code bound} = the lease duration a lone replica with a bad clock leads again
 * about a lease duration and a retry period after it released the Lease.</li>
 * <li>A stretch of refusals ends when another holder appears: the election stops asking at once, so the next
 * refusal, more than two bounds after the last, starts a new stretch.</li>
 * <li>A Lease without jobs (only {@code Leadership} users) is never released for the clock: nothing there needs
 * it.</li>
 * </ul>
 * Called on the service Lease's elector thread ({@link #mayTake}, {@link #afterRound} through the election observer);
 * the fields are volatile for the observers that read them (health, logs).
 */
public final class ServiceLeaseHandover {

    private static final Logger LOG = Logger.getLogger(ServiceLeaseHandover.class);
    private static final long NEVER = Long.MIN_VALUE;

    private final ClockSkew skew;
    private final BooleanSupplier hasJobs;
    private final long boundNanos;
    private final LongSupplier nanos;
    private volatile long heldBackSince = NEVER;
    private volatile long lastRefused = NEVER;
    private volatile boolean keptDespiteClock;

    /**
     * @param hasJobs whether the service Lease has jobs this replica would refuse (singleton or leader-only)
     * @param bound the longest this replica holds back from a free service Lease while its clock is off
     * @param nanos the monotonic clock
     */
    public ServiceLeaseHandover(ClockSkew skew, BooleanSupplier hasJobs, Duration bound, LongSupplier nanos) {
        this.skew = skew;
        this.hasJobs = hasJobs;
        this.boundNanos = bound.toNanos();
        this.nanos = nanos;
    }

    /** The pause the service Lease's elector is built with: none, and no take while held back. */
    public PauseBeforeTaking pause() {
        return new PauseBeforeTaking() {
            @Override
            public Duration beforeTaking() {
                return Duration.ZERO;
            }

            @Override
            public boolean mayTake() {
                return ServiceLeaseHandover.this.mayTake();
            }
        };
    }

    /** At a take of the free service Lease: false while this replica holds back. */
    boolean mayTake() {
        if (!hasJobs.getAsBoolean() || !skew.refuses()) {
            heldBackSince = NEVER;
            keptDespiteClock = false;
            return true;
        }
        long now = nanos.getAsLong();
        if (heldBackSince == NEVER || now - lastRefused > 2 * boundNanos) {
            heldBackSince = now; // a new stretch: someone else held the Lease in between
            keptDespiteClock = false;
            LOG.infof("The service Lease is free; this replica holds back from taking it for up to %d ms, as its "
                    + "clock is off (%s): a replica with a good clock takes it", boundNanos / 1_000_000,
                    skew.describe());
        }
        lastRefused = now;
        if (now - heldBackSince < boundNanos) {
            return false;
        }
        if (!keptDespiteClock) {
            LOG.warnf("No replica with a good clock took the service Lease within %d ms: this replica takes it "
                    + "although its clock is off (%s), so that leadership goes on; its jobs pause (skip reason "
                    + "clock-skew) until its clock is back within baton.jobs.max-clock-skew", boundNanos / 1_000_000,
                    skew.describe());
        }
        keptDespiteClock = true;
        return true;
    }

    /**
     * After a round of the service Lease's elector or the start of its term: a holder whose clock is off releases the
     * Lease, unless it took it after the hold-back (nobody else could).
     */
    public void afterRound(LeaderElector service) {
        boolean refused = skew.refuses(); // asked on every round, so that a change of the verdict is said at once
        if (!service.isLeader()) {
            return;
        }
        if (!refused) {
            keptDespiteClock = false;
            return;
        }
        if (keptDespiteClock || !hasJobs.getAsBoolean()) {
            return;
        }
        long now = nanos.getAsLong();
        heldBackSince = now;
        lastRefused = now;
        LOG.infof("Lease %s: released, as this replica's clock is off (%s) and it would run none of the Lease's jobs; "
                + "a replica with a good clock takes it, or this one takes it back after %d ms", service.lease(),
                skew.describe(), boundNanos / 1_000_000);
        service.releaseNow();
    }
}
