package dev.baton.election;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;

import dev.baton.LeaderChanged;
import dev.baton.LeadershipLost;
import dev.baton.LeadershipLost.Reason;
import dev.baton.LeaseRef;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * What an elector tells the world, so its state machine only decides: INFO logs for transitions (the Lease as
 * {@code namespace/name}), warnings said once, its {@link ElectionObserver} (CDI events, metrics, health), and a
 * Kubernetes Event on the Lease for each term (as client-go's {@code RecordEvent}). Every call out is guarded: a
 * failing observer or Event never changes a decision.
 */
final class Announcer {

    private static final Logger LOG = Logger.getLogger(Announcer.class);

    private final LeaseRef lease;
    private final ElectionSettings settings;
    private final ElectionObserver observer;
    private final LeaseStore store;
    private final Executor electorThread;
    private boolean badDurationSaid;
    private boolean sameIdentitySaid;

    Announcer(LeaseRef lease, ElectionSettings settings, ElectionObserver observer, LeaseStore store,
            Executor electorThread) {
        this.lease = lease;
        this.settings = settings;
        this.observer = observer;
        this.store = store;
        this.electorThread = electorThread;
    }

    /** A round finished; {@code failure} is null when the API answered. */
    void attempted(boolean asLeader, long tookNanos, LeaseStoreException failure) {
        Safely.run(lease, () -> observer.attempted(lease, asLeader, Duration.ofNanos(tookNanos), failure));
    }

    void began(ElectionTerm term) {
        LOG.infof("Lease %s: %s became leader (epoch %d)", lease, settings.identity(), term.epoch());
        Safely.run(lease, () -> observer.leadershipAcquired(term));
        Safely.run(lease, () -> store.recordEvent(settings.leaseName(), "LeaderElection",
                settings.identity() + " became leader (epoch " + term.epoch() + ")"));
    }

    /**
     * A term ended (it already reports itself invalid). Runs on the thread that ended it, maybe the watchdog's; the
     * Kubernetes Event, an API call, goes to the elector's thread, unless {@code stopping}.
     */
    void ended(ElectionTerm term, Reason reason, String newHolder, boolean stopping) {
        String why = switch (reason) {
            case RELEASED -> "released";
            case RENEW_DEADLINE_PASSED -> "no renewal succeeded within " + settings.renewDeadline();
            case TAKEN -> "taken by " + (newHolder == null ? "another holder" : newHolder);
            case SHUTDOWN -> "shutting down";
        };
        LOG.infof("Lease %s: %s stopped leading (epoch %d): %s", lease, settings.identity(), term.epoch(), why);
        Safely.run(lease, () -> observer.leadershipLost(new LeadershipLost(lease, settings.identity(), term, reason,
                Optional.ofNullable(newHolder))));
        if (!stopping) {
            try {
                String message = settings.identity() + " stopped leading (epoch " + term.epoch() + "): " + why;
                electorThread.execute(() -> Safely.run(lease,
                        () -> store.recordEvent(settings.leaseName(), "LeaderElection", message)));
            } catch (RuntimeException e) {
                // the elector stopped meanwhile; the log line above is the record
            }
        }
    }

    /** What an observation changed: the new holder, and Leases written in ways that make the elector wait. */
    void observed(ObservedLease.Change change) {
        if (change.badDuration() && !badDurationSaid) {
            badDurationSaid = true;
            LOG.warnf("Lease %s held by %s has leaseDurationSeconds=%s; judging its expiry by this replica's %s",
                    lease, change.holderAfter(), change.after().leaseDurationSeconds(), settings.leaseDuration());
        }
        if (change.vanished() != null) {
            LOG.warnf("Lease %s: holder %s was cleared by someone else; waiting %s before taking it", lease,
                    change.vanished().holderIdentity(),
                    ObservedLease.durationOf(change.vanished(), settings.leaseDuration()));
        }
        if (change.holderChanged()) {
            String before = change.holderBefore();
            String after = change.holderAfter();
            if (change.after() == null) {
                LOG.infof("Lease %s: deleted (it was held by %s)", lease, before);
            } else {
                LOG.infof("Lease %s: leader is now %s (was %s)", lease, after == null ? "nobody" : after,
                        before == null ? "nobody" : before);
            }
            Safely.run(lease, () -> observer.leaderChanged(new LeaderChanged(lease, Optional.ofNullable(before),
                    Optional.ofNullable(after))));
        }
    }

    /** A release of {@code held} was {@code written}, or refused because the Lease changed since we wrote it. */
    void released(LeaseRecord held, boolean written) {
        if (written) {
            LOG.infof("Lease %s: released by %s (epoch %s)", lease, settings.identity(), held.leaseTransitions());
        } else {
            LOG.infof("Lease %s: not released: it changed since this replica last wrote it", lease);
        }
    }

    void releaseFailed(LeaseStoreException e) {
        LOG.warnf("Lease %s: release failed (%s); standbys will take it when it expires", lease, e.getMessage());
    }

    /** {@code record} carries this identity but another process's instance id, and this one waits for it. */
    void sameIdentityElsewhere(LeaseRecord record) {
        if (!sameIdentitySaid) {
            sameIdentitySaid = true;
            LOG.warnf("Lease %s is held by identity %s from another process (instance %s): two processes use the "
                    + "same identity; this one waits for that lease to expire", lease, record.holderIdentity(),
                    record.annotation(LeaderElector.INSTANCE_ANNOTATION));
        }
    }
}
