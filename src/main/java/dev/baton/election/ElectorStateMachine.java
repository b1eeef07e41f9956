package dev.baton.election;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

import org.jboss.logging.Logger;

import dev.baton.LeadershipLost.Reason;
import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.clock.Ticker;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * The decisions of one Lease's election, modelled on client-go's {@code leaderelection.go}: what to send in a round,
 * when a term begins and ends, when the next round is due. It owns no thread: its {@link LeaderElector} calls it
 * on the elector's thread, one call at a time, and schedules the rounds it asks for; only the end of a term may
 * also come from the deadline watchdog. Why it is safe is in the package documentation. Read in this order:
 * {@link #tryAcquireOrRenew} (one round, in four numbered steps); {@link #attempt} (a round, then the term extended,
 * begun or ended); {@link #nextDelay} (a leader renews every jittered retry period, a standby waits for the Lease to
 * expire on the local clock, a failing candidate backs off, a candidate may hold back); {@link #changed} (a watch
 * event wakes a standby when the Lease is freed, and ends the term of a leader that sees another holder);
 * {@link #beginTerm} (a term is valid until the renew deadline counted from the win's send time, and ends once:
 * {@link CurrentTerm}). Giving the Lease up is {@link LeaseRelease}'s; what is known of the Lease is
 * {@link ObservedLease}'s, the records written come from {@link LeaseRecords}, and what the world is told goes
 * through {@link Announcer}.
 */
final class ElectorStateMachine {

    /** No round is due (closed, or a candidate that stopped acquiring): leave the schedule as it is. */
    static final long NONE = -1;

    private static final Logger LOG = Logger.getLogger(ElectorStateMachine.class);

    private final LeaseStore store;
    private final ElectionSettings settings;
    private final Ticker ticker;
    private final LeaseRef leaseRef;
    private final LeaseRecords records;
    private final ObservedLease lease;
    private final Pacing pacing;
    private final HoldBack holdBack;
    private final Failures failures;
    private final Announcer announcer;
    final CurrentTerm term;
    private final PendingAnnotations riding = new PendingAnnotations();
    /** What others may write into the Lease within this elector's terms (the job runner's records). */
    final TermWrites termWrites;
    private final LeaseRelease releaser;
    /** The version a renewal last lost a race at: the Lease has moved on, so a fast path from it would only fail. */
    private volatile String renewalLostAt;
    private final BooleanSupplier watching;
    private volatile boolean acquiring = true;
    private volatile boolean closed;
    private volatile long lastAttemptNanos;

    /**
     * @param jitter uniform in [0, 1): the source of jitter
     * @param electorThread where work that must not run on the watchdog's thread goes (Kubernetes Events)
     * @param watching true while a watch delivers changes (a standby then does not poll)
     * @param watchdog where terms end at their deadlines (shared by the process's electors: {@link ElectorThreads})
     */
    ElectorStateMachine(LeaseStore store, ElectionSettings settings, ElectionObserver observer, Ticker ticker,
            PauseBeforeTaking pauseBeforeTaking, DoubleSupplier jitter, Executor electorThread,
            BooleanSupplier watching, ScheduledExecutorService watchdog) {
        this.settings = settings;
        this.ticker = ticker;
        this.leaseRef = new LeaseRef(store.namespace(), settings.leaseName());
        this.records = new LeaseRecords(settings, UUID.randomUUID().toString(), Clock.systemUTC());
        this.lease = new ObservedLease(settings.leaseDuration(), records::isMine);
        this.pacing = new Pacing(settings, jitter);
        this.holdBack = new HoldBack(leaseRef, pauseBeforeTaking, pacing);
        this.failures = new Failures(leaseRef, settings.renewDeadline(), ticker::nanos);
        this.store = failures.recording(store); // so that a 403 is told apart by whether its verb has worked
        this.announcer = new Announcer(leaseRef, settings, observer, store, electorThread);
        this.term = new CurrentTerm(leaseRef, settings, ticker, announcer, () -> closed, watchdog);
        this.termWrites = new TermWrites(term, lease, records, () -> closed, riding);
        this.releaser = new LeaseRelease(store, lease, records, announcer, this::observe);
        this.watching = watching;
        this.lastAttemptNanos = ticker.nanos();
    }

    /**
     * One round against the store; true when this replica holds the Lease afterwards.
     * <ol>
     * <li>Fast path for a leader: update from the snapshot it wrote last (one request per renewal). A renewal
     * carries the annotation changes queued in its term ({@link PendingAnnotations}), and only those.</li>
     * <li>Otherwise read; create the Lease when absent.</li>
     * <li>Stop if someone else holds it and it has not expired on this process's clock.</li>
     * <li>Write this replica's record, conditional on the version just read.</li>
     * </ol>
     * A candidate that takes (creates, or writes over a record not its own) may first pause
     * ({@link HoldBack#pausesBeforeTaking}); renewals never do.
     */
    boolean tryAcquireOrRenew(ElectionTerm leading, long sentAt) {
        // 1. A leader renews from its own last write; a conflict means someone else wrote since: read and decide.
        LeaseSnapshot last = lease.snapshot();
        // Changes queued in this term ride along, while it is valid; a take (leading == null) never carries any.
        PendingAnnotations.Batch carried = leading != null && leading.isValid() ? riding.batchFor(leading)
                : PendingAnnotations.Batch.EMPTY;
        if (leading != null && last != null && records.isMine(last.record())
                && !last.resourceVersion().equals(renewalLostAt)) {
            Optional<LeaseSnapshot> renewed = store.update(last, carried.applyTo(records.renewed(last.record())));
            if (renewed.isPresent()) {
                observe(renewed.get());
                carried.landed();
                return true;
            }
        }

        // 2. Read, or create when absent (also when it was deleted under a leader: that keeps its term).
        Optional<LeaseSnapshot> current = store.get(settings.leaseName());
        if (current.isEmpty()) {
            noted(lease.deleted(ticker.nanos()));
            if (leading == null && lease.vanishedHolderMayAct(ticker.nanos())) {
                return false; // deleted under a live holder: only that holder recreates it at once
            }
            if (leading == null && holdBack.pausesBeforeTaking(ticker.nanos())) {
                return false;
            }
            long epoch = leading != null ? leading.epoch() : lease.highestEpoch() + 1;
            Optional<LeaseSnapshot> created = store.create(settings.leaseName(), records.fresh(epoch));
            if (created.isPresent()) {
                if (leading != null) {
                    LOG.warnf("Lease %s was deleted while %s held it; recreated it (epoch %d kept)",
                            leaseRef, settings.identity(), epoch);
                }
                observe(created.get());
                return true;
            }
            LOG.debugf("Lease %s: another candidate created it first", leaseRef);
            return false;
        }
        observe(current.get());
        LeaseRecord record = current.get().record();

        // 3. Held elsewhere and not expired on our clock: wait. A leader that finds it is not the holder lost it.
        boolean mine = records.isMine(record);
        if (leading != null && !mine) {
            return false;
        }
        if (record.isFree() && leading == null && lease.vanishedHolderMayAct(ticker.nanos())) {
            return false; // cleared by someone other than its holder, who may still be acting
        }
        if (!record.isFree() && !mine && !lease.expired(record, ticker.nanos())) {
            if (settings.identity().equals(record.holderIdentity())) {
                announcer.sameIdentityElsewhere(record);
            }
            return false;
        }

        // 4. Take (a new term, a new epoch) or renew, conditional on the version just read.
        if (leading == null && !mine && holdBack.pausesBeforeTaking(ticker.nanos())) {
            return false;
        }
        LeaseRecord next = leading != null ? carried.applyTo(records.renewed(record))
                : records.acquired(record, lease.highestEpoch());
        Optional<LeaseSnapshot> written = store.update(current.get(), next);
        if (written.isEmpty()) {
            LOG.debugf("Lease %s: lost the race for version %s", leaseRef, current.get().resourceVersion());
            if (leading != null) {
                renewalLostAt = current.get().resourceVersion(); // the next round reads first: one PUT, not two
            }
            return false;
        }
        observe(written.get());
        if (leading != null) {
            carried.landed();
        }
        return true;
    }

    /**
     * One round and what follows from it: {@link #tryAcquireOrRenew}, then the term extended, begun or ended. Returns
     * the delay before the next round, or {@link #NONE}.
     */
    long attempt() {
        if (closed) {
            return NONE;
        }
        ElectionTerm leading = term.get();
        if (leading == null && !acquiring) {
            return NONE;
        }
        long sentAt = ticker.nanos();
        long wait = leading == null ? holdBack.waitBeforeRound(sentAt) : 0;
        if (wait > 0) {
            return wait; // stepping aside, or pausing before a take: no round yet
        }
        lastAttemptNanos = sentAt;
        LeaseStoreException failure = null;
        boolean success = false;
        try {
            success = tryAcquireOrRenew(leading, sentAt);
            failures.answered();
        } catch (LeaseStoreException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new LeaseStoreException(LeaseStoreException.Kind.OTHER, 0, e.toString(), e);
        }
        if (failure != null) {
            failures.failed(failure);
        }
        announcer.attempted(leading != null, ticker.nanos() - sentAt, failure);

        if (leading != null) {
            if (success && !term.extend(leading, sentAt)) {
                // The renewal came back after the deadline: the term is over even though the write landed.
                term.end(leading, Reason.RENEW_DEADLINE_PASSED, null);
            } else if (!success && failure == null) {
                if (lease.isMine()) {
                    return 0; // someone wrote between our read and our write, but it still shows us: read again
                }
                term.end(leading, Reason.TAKEN, lease.holder().orElse(null));
            }
            // On failure the term lives on until its deadline; the watchdog ends it if no renewal succeeds.
        } else if (success) {
            if (closed || !acquiring) {
                releaser.give(PendingAnnotations.Batch.EMPTY); // won while shutting down: give it straight back
                return NONE;
            }
            long took = ticker.nanos() - sentAt;
            if (took >= settings.renewDeadline().toNanos()) {
                // The term would be over before it began (its deadline counts from the send): announcing it would
                // only fire "became leader" and "stopped leading" back to back. Our record is in the Lease, so the
                // next round, at once, renews it and starts the term from a fresh send time.
                LOG.infof("Lease %s: the write that took it took %d ms, longer than the renew deadline; "
                        + "retaking before acting", leaseRef, TimeUnit.NANOSECONDS.toMillis(took));
            } else if ((failure = beginTerm(sentAt)) != null) {
                failures.failed(failure); // not fenced: no term yet; the next round takes the Lease again
            }
        }
        return pacing.asTold(nextDelay(failure != null, sentAt), failure == null ? null : failure.retryAfter());
    }

    /** When the next round is due (see {@link Pacing}), or {@link #NONE}. */
    private long nextDelay(boolean failed, long sentAt) {
        if (closed) {
            return NONE;
        }
        long now = ticker.nanos();
        ElectionTerm t = term.get();
        if (t != null) {
            return pacing.renewal(sentAt, t.deadlineNanos(), failed, now);
        }
        if (!acquiring) {
            return NONE;
        }
        if (failed) {
            return pacing.backoff(failures.inARow());
        }
        long heldBack = holdBack.nextRound(now);
        return heldBack != NONE ? heldBack : pacing.standby(lease, watching.getAsBoolean(), now);
    }

    /**
     * A watch event (empty: deleted): note it, and act now when it frees the Lease, deletes it, or shows a foreign
     * holder to a leader. Returns when the next round is due, or {@link #NONE} to leave it as it is.
     */
    long changed(Optional<LeaseSnapshot> snapshot) {
        if (closed) {
            return NONE;
        }
        if (snapshot.isEmpty()) {
            noted(lease.deleted(ticker.nanos()));
            return 0;
        }
        if (!observe(snapshot.get())) {
            return NONE; // older than what we already know, or nothing new
        }
        LeaseRecord record = snapshot.get().record();
        ElectionTerm t = term.get();
        if (t != null && !records.isMine(record)) {
            term.end(t, Reason.TAKEN, record.isFree() ? null : record.holderIdentity());
            return nextDelay(false, ticker.nanos());
        }
        if (t == null) {
            // A free Lease is worth a round now; otherwise re-arm the expiry timer from this observation.
            return record.isFree() ? 0 : nextDelay(false, ticker.nanos());
        }
        return NONE;
    }

    /** A win sent at {@code sentAt} starts a term unless closing, once fenced ({@link CurrentTerm#fenced}). */
    private LeaseStoreException beginTerm(long sentAt) {
        LeaseStoreException unfenced = closed ? null : term.fenced(lease.snapshot().record());
        if (unfenced == null && !closed) {
            holdBack.end();
            term.begin(lease.snapshot().record(), sentAt);
        }
        return unfenced;
    }

    /** Notes a Lease read, written or delivered now; false when it told nothing new. */
    boolean observe(LeaseSnapshot snapshot) {
        return noted(lease.observe(snapshot, ticker.nanos()));
    }

    /** Notes what a deletion (or a snapshot) changed, and lets another holder end a hold-back; false: nothing. */
    private boolean noted(ObservedLease.Change change) {
        if (change.heldByAnother()) {
            holdBack.end(); // someone else took over: no need to step aside, nothing left to take
        }
        announcer.observed(change);
        return change.isNews();
    }

    // ---------------------------------------------------------------- asked by the elector

    /**
     * Gives up the current term (reason RELEASED), releases the Lease, and steps aside for one lease duration (or
     * until another replica takes it). Returns when the next round is due.
     */
    long releaseNow() {
        ElectionTerm ending = term.get();
        if (ending == null) {
            return NONE;
        }
        PendingAnnotations.Batch carried = riding.detach(ending); // before the end, which drops what is queued
        term.end(ending, Reason.RELEASED, null);
        holdBack.stepAside(ticker.nanos() + settings.leaseDuration().toNanos());
        releaser.give(carried);
        return nextDelay(false, ticker.nanos());
    }

    /** No new term from now on (a pause before a take is abandoned); a current term keeps renewing. */
    void stopAcquiring() {
        acquiring = false;
    }

    /** Ends the term (reason SHUTDOWN) and, when {@code release}, releases the Lease; once. On the elector's thread. */
    void shutDown(boolean release) {
        boolean first = !closed;
        PendingAnnotations.Batch carried = first && release ? riding.detach(term.get())
                : PendingAnnotations.Batch.EMPTY;
        abandon();
        if (first && release) {
            releaser.give(carried);
        }
    }

    /**
     * Closed from now on: ends the term (reason SHUTDOWN). Also called from another thread when the elector's is
     * stuck in an API call; the Lease is then left to expire.
     */
    void abandon() {
        closed = true;
        ElectionTerm ending = term.get();
        if (ending != null) {
            term.end(ending, Reason.SHUTDOWN, null);
        }
    }

    /** Cancels this elector's deadline timer, last (the watchdog itself is shared). */
    void stopWatchdog() {
        term.shutdown();
    }

    boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- reads, from any thread

    /** The current term while it is valid. */
    Optional<Term> currentTerm() {
        ElectionTerm t = term.get();
        return t != null && t.isValid() ? Optional.of(t) : Optional.empty();
    }

    /** This identity while its term is valid, else the holder last observed. */
    Optional<String> holder() {
        return currentTerm().isPresent() ? Optional.of(settings.identity()) : lease.holder();
    }

    long lastAttemptNanos() {
        return lastAttemptNanos;
    }

    Optional<LeaseStoreException> lastFailure() {
        return failures.last();
    }

    Optional<LeaseSnapshot> observed() {
        return Optional.ofNullable(lease.snapshot());
    }

    String instanceId() {
        return records.instanceId();
    }
}
