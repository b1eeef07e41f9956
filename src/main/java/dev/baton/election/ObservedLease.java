package dev.baton.election;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;

/**
 * What an elector knows of its Lease: the last snapshot seen, and when, on this process's monotonic clock, its
 * content last changed. Expiry is judged from that moment plus the holder's duration, never from the Lease's
 * {@code renewTime} (another machine's wall clock).
 * <p>
 * Pure: a snapshot (or a deletion) and the time go in, a {@link Change} saying what was new comes out; the elector
 * logs and acts on it. Confined to the elector's thread, except {@link #snapshot()}, which health and job code read.
 */
final class ObservedLease {

    /**
     * What one observation told.
     *
     * @param isNews false for a snapshot older than the one known or with the same content: nothing to act on
     * @param before the record seen before, null at first sight
     * @param after the record now, null when the Lease was deleted
     * @param heldByAnother the Lease is now held by another process
     * @param vanished a holder that was cleared by someone else instead of releasing: it may still act until its
     *        duration has passed on our clock (a deletion is reported by a null {@code after})
     * @param badDuration the record is held and its duration missing, zero or negative
     */
    record Change(boolean isNews, LeaseRecord before, LeaseRecord after, boolean heldByAnother, LeaseRecord vanished,
            boolean badDuration) {

        static final Change NOTHING = new Change(false, null, null, false, null, false);

        /** The holder before, null when there was none (free, or not seen yet). */
        String holderBefore() {
            return holderOf(before);
        }

        /** The holder now, null when there is none (free or deleted). */
        String holderAfter() {
            return holderOf(after);
        }

        boolean holderChanged() {
            return isNews && !Objects.equals(holderBefore(), holderAfter());
        }
    }

    private final Duration ownDuration;
    private final Predicate<LeaseRecord> mine;
    private volatile LeaseSnapshot snapshot;
    private long changedAtNanos;
    private long highestEpoch = -1;
    // A holder that vanished without releasing (Lease deleted, or holder cleared by someone else) may still be acting
    // until its lease expires on our clock: no candidate takes the Lease before then.
    private LeaseRecord vanished;
    private long vanishedAtNanos;

    /**
     * @param ownDuration this replica's lease duration, used for records whose duration is unusable
     * @param mine recognises this process's own records
     */
    ObservedLease(Duration ownDuration, Predicate<LeaseRecord> mine) {
        this.ownDuration = ownDuration;
        this.mine = mine;
    }

    /**
     * Notes a Lease read or delivered at {@code nowNanos}. Watch events and reads can cross: a snapshot older than
     * the known one is ignored. Expiry counts from when the content last changed, so a re-read of the same content
     * (or a write that changed nothing) does not push it back.
     */
    Change observe(LeaseSnapshot next, long nowNanos) {
        LeaseSnapshot previous = snapshot;
        if (previous != null && isOlder(next.resourceVersion(), previous.resourceVersion())) {
            return Change.NOTHING;
        }
        snapshot = next; // also for equal content: a newer object, as health's progress check expects
        Integer transitions = next.record().leaseTransitions();
        if (transitions != null && transitions > highestEpoch) {
            highestEpoch = transitions;
        }
        if (previous != null && previous.record().equals(next.record())) {
            return Change.NOTHING;
        }
        changedAtNanos = nowNanos;
        LeaseRecord now = next.record();
        LeaseRecord cleared = null;
        if (!now.isFree()) {
            vanished = null;
        } else if (previous != null && !previous.record().isFree() && !mine.test(previous.record())
                && !Objects.equals(now.annotation(LeaderElector.RELEASED_BY_ANNOTATION),
                        previous.record().annotation(LeaderElector.INSTANCE_ANNOTATION))) {
            // Freed, but not by its holder's own release: that holder may not know and still act.
            cleared = previous.record();
            vanished = cleared;
            vanishedAtNanos = nowNanos;
        }
        return new Change(true, previous == null ? null : previous.record(), now, !now.isFree() && !mine.test(now),
                cleared, !now.isFree() && !usable(now.leaseDurationSeconds()));
    }

    /** Notes that the Lease is gone at {@code nowNanos}. A holder other than this process may still act. */
    Change deleted(long nowNanos) {
        LeaseSnapshot previous = snapshot;
        if (previous == null) {
            return Change.NOTHING;
        }
        snapshot = null;
        changedAtNanos = nowNanos;
        if (!previous.record().isFree() && !mine.test(previous.record())) {
            vanished = previous.record();
            vanishedAtNanos = nowNanos;
        }
        return new Change(true, previous.record(), null, false, null, false);
    }

    /** The last snapshot seen; null before the first read and after a deletion. Any thread. */
    LeaseSnapshot snapshot() {
        return snapshot;
    }

    /** The holder of the last snapshot seen, when it has one. */
    Optional<String> holder() {
        LeaseSnapshot s = snapshot;
        return Optional.ofNullable(s == null ? null : holderOf(s.record()));
    }

    /** True when the last snapshot seen was written by this process. */
    boolean isMine() {
        LeaseSnapshot s = snapshot;
        return s != null && mine.test(s.record());
    }

    /** The highest {@code leaseTransitions} ever seen, -1 for none: a new term's epoch goes above it. */
    long highestEpoch() {
        return highestEpoch;
    }

    /** When {@code record}, as last seen changing, expires on our clock. */
    long expiresAtNanos(LeaseRecord record) {
        return changedAtNanos + durationOf(record).toNanos();
    }

    /** True when the observed {@code record} has expired at {@code nowNanos}. */
    boolean expired(LeaseRecord record, long nowNanos) {
        return expiresAtNanos(record) - nowNanos < 0;
    }

    /** True while a holder that vanished without releasing may still be acting, judged on our clock. */
    boolean vanishedHolderMayAct(long nowNanos) {
        return vanished != null && vanishedHolderGoneAtNanos() - nowNanos > 0;
    }

    /** When the vanished holder's lease has run out on our clock (meaningful while {@link #vanishedHolderMayAct}). */
    long vanishedHolderGoneAtNanos() {
        return vanishedAtNanos + durationOf(vanished).toNanos();
    }

    /**
     * The holder's lease duration. A missing, zero or negative value (written by someone else) is replaced by our
     * own: judging it expired at once could take the Lease from a live holder.
     */
    Duration durationOf(LeaseRecord record) {
        return durationOf(record, ownDuration);
    }

    /** As {@link #durationOf(LeaseRecord)}, with {@code ownDuration} as the replacement. */
    static Duration durationOf(LeaseRecord record, Duration ownDuration) {
        Integer seconds = record.leaseDurationSeconds();
        return usable(seconds) ? Duration.ofSeconds(seconds) : ownDuration;
    }

    private static boolean usable(Integer seconds) {
        return seconds != null && seconds > 0;
    }

    private static String holderOf(LeaseRecord r) {
        return r == null || r.isFree() ? null : r.holderIdentity();
    }

    /**
     * resourceVersions are opaque to clients in general, but etcd (and the test server) issue increasing integers;
     * where both parse, an older one is recognised and ignored. Otherwise the newer arrival wins.
     */
    private static boolean isOlder(String candidate, String known) {
        try {
            return Long.parseLong(candidate) < Long.parseLong(known);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
