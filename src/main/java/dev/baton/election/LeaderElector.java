package dev.baton.election;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import dev.baton.LeaderChanged;
import dev.baton.Leadership;
import dev.baton.LeaseRef;
import dev.baton.LeadershipLost;
import dev.baton.LeadershipLost.Reason;
import dev.baton.Term;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;
import dev.baton.DaemonThreads;

/**
 * Elects one holder of one Lease. See the package documentation for the rules; this class is the state machine:
 * <ol>
 * <li>{@link #start()} watches the Lease and makes a first attempt;</li>
 * <li>each attempt ({@link #tryAcquireOrRenew}) reads and conditionally writes the Lease;</li>
 * <li>a leader renews every retry period (jittered) and its term dies at the renew deadline by itself;</li>
 * <li>a standby sleeps until the Lease expires on the local clock, woken early by the watch when it is released or
 * deleted;</li>
 * <li>{@link #close()} ends the term, releases the Lease and stops.</li>
 * </ol>
 * All API calls and decisions run on one thread per elector; only the end of a term may also come from the
 * elector's deadline watchdog, so term transitions are guarded by {@code lock}.
 */
public final class LeaderElector implements Leadership, AutoCloseable {

    /** Annotation naming the process that holds the Lease, so two processes with one identity never both lead. */
    public static final String INSTANCE_ANNOTATION = "baton.dev/holder-instance";

    /**
     * Annotation a Baton leader writes when it releases the Lease (its instance id). A free Lease that carries it
     * was given up by its holder, which has stopped acting, and may be taken at once; one cleared by anybody else
     * may still have a live holder, so standbys wait a lease duration.
     */
    public static final String RELEASED_BY_ANNOTATION = "baton.dev/released-by";

    private static final Logger LOG = Logger.getLogger(LeaderElector.class);

    private final LeaseStore store;
    private final ElectionSettings settings;
    private final ElectionObserver observer;
    private final Ticker ticker;
    private final String instanceId = UUID.randomUUID().toString();
    private final LeaseRef leaseRef;
    private final ScheduledExecutorService loop;
    // Ends terms at their renew deadline even while the loop is blocked in an API call. One per elector, so a slow
    // observer of one Lease's loss cannot delay the deadline of another.
    private final ScheduledExecutorService deadlines;
    private final Object lock = new Object();

    // Observation: the last Lease seen, and when (on the monotonic clock) its content last changed.
    private volatile LeaseSnapshot observed;
    private volatile long observedAtNanos;
    private long highestEpochSeen = -1;

    // A holder that vanished without releasing (Lease deleted, or holder cleared by someone else) may still be
    // acting until its lease expires on our clock: no candidate takes the Lease before then.
    private LeaseRecord vanishedHolder;
    private long vanishedAtNanos;
    // After releaseNow(), step aside until another holder appears or one lease duration passes.
    private boolean steppingAside;
    private long stepAsideUntilNanos;

    private volatile ElectionTerm term;
    private ScheduledFuture<?> deadlineTimer;
    private ScheduledFuture<?> nextAttempt;
    private final AtomicReference<AutoCloseable> watch = new AtomicReference<>();
    private volatile boolean watching;
    private boolean watchForbiddenReported;
    private volatile boolean acquiring = true;
    private volatile boolean closed;
    private volatile long lastAttemptNanos;
    private volatile LeaseStoreException lastFailure;
    private int consecutiveFailures;
    private boolean sameIdentityReported;
    private boolean badDurationReported;

    public LeaderElector(LeaseStore store, ElectionSettings settings, ElectionObserver observer, Ticker ticker) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.observer = observer == null ? ElectionObserver.NONE : observer;
        this.ticker = ticker == null ? Ticker.SYSTEM : ticker;
        this.leaseRef = new LeaseRef(store.namespace(), settings.leaseName());
        this.loop = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("baton-elector-" + settings.leaseName()));
        this.deadlines = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("baton-deadline-" + settings.leaseName()));
        this.lastAttemptNanos = this.ticker.nanos();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts watching and competing for the Lease. Returns at once. */
    public void start() {
        loop.execute(() -> {
            startWatch();
            attempt();
        });
    }

    /**
     * Stops trying to acquire the Lease (e.g. while the application drains before shutdown). A current term keeps
     * renewing until {@link #close()}.
     */
    public void stopAcquiring() {
        acquiring = false;
    }

    /**
     * Starts closing: ends the current term (reason SHUTDOWN), releases the Lease when {@code release} is true and
     * the Lease still shows this process, and stops competing. Returns at once; several electors closed this way
     * shut down in the time of the slowest, not the sum. Pass the result to {@link #awaitClosed}.
     */
    public CompletableFuture<Void> closeAsync(boolean release) {
        acquiring = false;
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    if (!closed) {
                        closed = true;
                        cancelNextAttempt();
                        stopWatch();
                        ElectionTerm ending = term;
                        if (ending != null) {
                            endTerm(ending, Reason.SHUTDOWN, null);
                        }
                        if (release) {
                            release();
                        }
                    }
                } finally {
                    done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            done.complete(null); // already closed
        }
        return done;
    }

    /**
     * Waits for {@link #closeAsync} up to {@code timeout}. If the elector's thread is still stuck in an API call
     * then, the term is ended from here and the Lease left to expire; either way every thread and the watch stop.
     */
    public void awaitClosed(CompletableFuture<Void> closing, Duration timeout) {
        try {
            closing.get(Math.max(timeout.toMillis(), 1), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("Lease %s: shutdown did not finish within %s (%s); the lease will expire instead",
                    leaseRef, timeout, e);
            closed = true;
            ElectionTerm ending = term;
            if (ending != null) {
                endTerm(ending, Reason.SHUTDOWN, null);
            }
            stopWatch();
        } finally {
            loop.shutdownNow();
            deadlines.shutdownNow();
        }
    }

    /** {@link #closeAsync} and {@link #awaitClosed} in one call. */
    public void close(boolean release, Duration timeout) {
        awaitClosed(closeAsync(release), timeout);
    }

    @Override
    public void close() {
        close(true, settings.renewDeadline());
    }

    /**
     * Gives up the current term and releases the Lease now (reason RELEASED), then steps aside for one lease
     * duration (or until another replica takes it) before competing again: a way to hand leadership to another
     * replica, e.g. before maintenance. Returns at once.
     */
    public void releaseNow() {
        executeOnLoop(() -> {
            ElectionTerm ending = term;
            if (ending != null) {
                endTerm(ending, Reason.RELEASED, null);
                steppingAside = true;
                stepAsideUntilNanos = ticker.nanos() + settings.leaseDuration().toNanos();
                release();
                scheduleNext(false, ticker.nanos());
            }
        });
    }

    /**
     * Writes {@code changes} into the Lease's annotations (a null value removes the key) while {@code term} is this
     * elector's current, valid term. The write runs on the elector's thread, between renewals, and is conditional
     * on the version this leader last wrote; after a conflict it re-reads once and retries if the Lease still shows
     * this process. Renewals and acquisitions carry annotations over, so what is written here survives them and a
     * handover. Completes with false (never exceptionally) when the term is not current or valid, or the API
     * refused or failed the write.
     */
    public CompletableFuture<Boolean> updateAnnotations(Term term, Map<String, String> changes) {
        Map<String, String> copy = new HashMap<>(changes);
        return updateAnnotations(term, current -> copy);
    }

    /**
     * As {@link #updateAnnotations(Term, Map)}, the changes computed on the elector's thread from the Lease's current
     * annotations, so that a decision such as "only if newer than what is there" is taken on the very version that
     * is written (no other write of this elector can come in between). {@code changes} returning null writes
     * nothing and completes with false.
     */
    public CompletableFuture<Boolean> updateAnnotations(Term term,
            java.util.function.Function<Map<String, String>, Map<String, String>> changes) {
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        java.util.function.Function<Map<String, String>, Map<String, String>> copy = changes;
        try {
            loop.execute(() -> {
                try {
                    written.complete(writeAnnotations(term, copy));
                } catch (RuntimeException e) {
                    LOG.debugf(e, "Lease %s: annotations not written", leaseRef);
                    written.complete(false);
                }
            });
        } catch (RejectedExecutionException e) {
            written.complete(false); // closed
        }
        return written;
    }

    private boolean writeAnnotations(Term expected,
            java.util.function.Function<Map<String, String>, Map<String, String>> compute) {
        for (int round = 0; round < 2; round++) {
            ElectionTerm t = term;
            LeaseSnapshot last = observed;
            if (closed || t == null || t != expected || !t.isValid() || last == null || !isMine(last.record())) {
                return false;
            }
            LeaseRecord r = last.record();
            Map<String, String> changes = compute.apply(r.annotations());
            if (changes == null) {
                return false;
            }
            Map<String, String> annotations = new HashMap<>(r.annotations());
            changes.forEach((k, v) -> {
                if (v == null) {
                    annotations.remove(k);
                } else {
                    annotations.put(k, v);
                }
            });
            try {
                Optional<LeaseSnapshot> done = store.update(last, new LeaseRecord(r.holderIdentity(),
                        r.leaseDurationSeconds(), r.acquireTime(), r.renewTime(), r.leaseTransitions(), annotations));
                if (done.isPresent()) {
                    observe(done.get());
                    return true;
                }
                // Conflict: decide on a fresh read as if the watch had delivered it, so that a Lease taken (or
                // deleted) meanwhile ends the term now; the watch event with the same content is ignored later.
                changed(store.get(settings.leaseName()));
            } catch (LeaseStoreException e) {
                LOG.debugf("Lease %s: annotations not written: %s", leaseRef, e.getMessage());
                return false;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- Leadership (non-blocking reads)

    @Override
    public LeaseRef lease() {
        return leaseRef;
    }

    @Override
    public String identity() {
        return settings.identity();
    }

    @Override
    public Optional<String> leader() {
        ElectionTerm t = term;
        if (t != null && t.isValid()) {
            return Optional.of(settings.identity());
        }
        LeaseSnapshot s = observed;
        return s == null || s.record().isFree() ? Optional.empty() : Optional.of(s.record().holderIdentity());
    }

    @Override
    public Optional<Term> currentTerm() {
        ElectionTerm t = term;
        return t != null && t.isValid() ? Optional.of(t) : Optional.empty();
    }

    /** The settings this elector runs with. */
    public ElectionSettings settings() {
        return settings;
    }

    /** The store this elector writes to ({@link LeaseStore#describe()} names it for people). */
    public LeaseStore store() {
        return store;
    }

    /** True while a watch delivers changes; false when polling. */
    public boolean isWatching() {
        return watching;
    }

    /** Monotonic time of the last acquire or renew attempt (for the liveness adaptor). */
    public long lastAttemptNanos() {
        return lastAttemptNanos;
    }

    /** The failure of the last attempt, if it failed. */
    public Optional<LeaseStoreException> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** The last Lease content observed (for health and diagnostics). */
    public Optional<LeaseSnapshot> observed() {
        return Optional.ofNullable(observed);
    }

    /** This process's private instance id, written next to the identity. */
    public String instanceId() {
        return instanceId;
    }

    // ---------------------------------------------------------------- the round

    private void attempt() {
        if (closed) {
            return;
        }
        ElectionTerm leading = term;
        if (leading != null && leading.isEnded()) {
            leading = null;
        }
        if (leading == null && !acquiring) {
            return;
        }
        if (leading == null && steppingAside && ticker.nanos() - stepAsideUntilNanos < 0) {
            schedule(stepAsideUntilNanos - ticker.nanos());
            return;
        }
        steppingAside = false;
        long sentAt = ticker.nanos();
        lastAttemptNanos = sentAt;
        LeaseStoreException failure = null;
        boolean success = false;
        try {
            success = tryAcquireOrRenew(leading, sentAt);
            if (consecutiveFailures > 0) {
                LOG.infof("Lease %s: the API answers again after %d failed attempts", leaseRef, consecutiveFailures);
            }
            consecutiveFailures = 0;
            lastFailure = null;
        } catch (LeaseStoreException e) {
            failure = e;
            report(e);
        } catch (RuntimeException e) {
            failure = new LeaseStoreException(LeaseStoreException.Kind.OTHER, 0, e.toString(), e);
            report(failure);
        }
        boolean asLeader = leading != null;
        LeaseStoreException reported = failure;
        Safely.run(leaseRef, () -> observer.attempted(leaseRef, asLeader, Duration.ofNanos(ticker.nanos() - sentAt), reported));

        if (leading != null) {
            if (success) {
                if (leading.extend(sentAt + settings.renewDeadline().toNanos())) {
                    armDeadline(leading);
                } else {
                    // The renewal came back after the deadline: the term is over even though the write landed.
                    endTerm(leading, Reason.RENEW_DEADLINE_PASSED, null);
                }
            } else if (failure == null) {
                LeaseSnapshot seen = observed;
                if (seen != null && isMine(seen.record())) {
                    // Someone wrote between our read and our write, but it still shows us: decide on a fresh read.
                    schedule(0);
                    return;
                }
                endTerm(leading, Reason.TAKEN, observedHolder().orElse(null));
            }
            // On failure the term lives on until its deadline; the watchdog ends it if no renewal succeeds.
        } else if (success) {
            if (closed || !acquiring) {
                release(); // won while shutting down: give it straight back instead of starting a term
                return;
            }
            long took = ticker.nanos() - sentAt;
            if (took >= settings.renewDeadline().toNanos()) {
                // The term would be over before it began (its deadline counts from the send): announcing it would
                // only fire "became leader" and "stopped leading" back to back. Our record is in the Lease, so the
                // next round, at once, renews it and starts the term from a fresh send time.
                LOG.infof("Lease %s: the write that took it took %d ms, longer than the renew deadline; "
                        + "retaking before acting", leaseRef, TimeUnit.NANOSECONDS.toMillis(took));
            } else {
                beginTerm(sentAt);
            }
        }
        scheduleNext(failure != null, sentAt);
    }

    /**
     * One round against the store; true when this replica holds the Lease afterwards.
     * <ol>
     * <li>Fast path for a leader: update from the snapshot it wrote last (one request per renewal).</li>
     * <li>Otherwise read; create the Lease when absent.</li>
     * <li>Stop if someone else holds it and it has not expired on this process's clock.</li>
     * <li>Write this replica's record, conditional on the version just read.</li>
     * </ol>
     */
    boolean tryAcquireOrRenew(ElectionTerm leading, long sentAt) {
        // 1. A leader renews from its own last write; a conflict means someone else wrote since: read and decide.
        LeaseSnapshot last = observed;
        if (leading != null && last != null && isMine(last.record())) {
            Optional<LeaseSnapshot> renewed = store.update(last, renewed(last.record()));
            if (renewed.isPresent()) {
                observe(renewed.get());
                return true;
            }
        }

        // 2. Read, or create when absent (also when it was deleted under a leader: that keeps its term).
        Optional<LeaseSnapshot> current = store.get(settings.leaseName());
        if (current.isEmpty()) {
            observeDeleted();
            if (leading == null && holderMayStillAct()) {
                return false; // deleted under a live holder: only that holder recreates it at once
            }
            long epoch = leading != null ? leading.epoch() : highestEpochSeen + 1;
            Optional<LeaseSnapshot> created = store.create(settings.leaseName(), fresh(epoch));
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
        boolean mine = isMine(record);
        if (leading != null && !mine) {
            return false;
        }
        if (record.isFree() && leading == null && holderMayStillAct()) {
            return false; // cleared by someone other than its holder, who may still be acting
        }
        if (!record.isFree() && !mine && !expired(record)) {
            if (settings.identity().equals(record.holderIdentity()) && !sameIdentityReported) {
                sameIdentityReported = true;
                LOG.warnf("Lease %s is held by identity %s from another process (instance %s): two processes use "
                        + "the same identity; this one waits for that lease to expire", leaseRef,
                        record.holderIdentity(), record.annotation(INSTANCE_ANNOTATION));
            }
            return false;
        }

        // 4. Take (a new term, a new epoch) or renew, conditional on the version just read.
        LeaseRecord next = leading != null ? renewed(record) : acquired(record);
        Optional<LeaseSnapshot> written = store.update(current.get(), next);
        if (written.isEmpty()) {
            LOG.debugf("Lease %s: lost the race for version %s", leaseRef, current.get().resourceVersion());
            return false;
        }
        observe(written.get());
        return true;
    }

    private void beginTerm(long sentAt) {
        if (closed) {
            return;
        }
        LeaseRecord record = observed.record();
        long epoch = record.leaseTransitions() == null ? 0 : record.leaseTransitions();
        ElectionTerm started = new ElectionTerm(leaseRef, settings.identity(), epoch,
                record.acquireTime() == null ? Instant.now() : record.acquireTime(), ticker,
                sentAt + settings.renewDeadline().toNanos());
        synchronized (lock) {
            term = started;
        }
        armDeadline(started);
        LOG.infof("Lease %s: %s became leader (epoch %d)", leaseRef, settings.identity(), epoch);
        Safely.run(leaseRef, () -> observer.leadershipAcquired(started));
        Safely.run(leaseRef, () -> store.recordEvent(settings.leaseName(), "LeaderElection",
                settings.identity() + " became leader (epoch " + epoch + ")"));
    }

    /** Ends {@code ending} once, whichever thread gets here first. */
    private void endTerm(ElectionTerm ending, Reason reason, String newHolder) {
        synchronized (lock) {
            if (!ending.end(reason)) {
                return;
            }
            if (term == ending) {
                term = null;
            }
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
            }
        }
        // Outside the lock: the term's listeners (e.g. the job runner stopping runs) must never hold up the elector.
        ending.announceEnd();
        String why = switch (reason) {
            case RELEASED -> "released";
            case RENEW_DEADLINE_PASSED -> "no renewal succeeded within " + settings.renewDeadline();
            case TAKEN -> "taken by " + (newHolder == null ? "another holder" : newHolder);
            case SHUTDOWN -> "shutting down";
        };
        LOG.infof("Lease %s: %s stopped leading (epoch %d): %s", leaseRef, settings.identity(), ending.epoch(), why);
        Safely.run(leaseRef, () -> observer.leadershipLost(new LeadershipLost(leaseRef, settings.identity(), ending.epoch(), reason,
                Optional.ofNullable(newHolder))));
        if (!closed && !loop.isShutdown()) {
            try {
                loop.execute(() -> Safely.run(leaseRef, () -> store.recordEvent(settings.leaseName(), "LeaderElection",
                        settings.identity() + " stopped leading (epoch " + ending.epoch() + "): " + why)));
            } catch (RuntimeException e) {
                // the loop stopped meanwhile; the log line above is the record
            }
        }
    }

    private void armDeadline(ElectionTerm t) {
        synchronized (lock) {
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
            }
            long delay = Math.max(0, t.deadlineNanos() - ticker.nanos());
            if (deadlines.isShutdown()) {
                return;
            }
            deadlineTimer = deadlines.schedule(() -> {
                if (!t.isEnded() && !t.isValid()) {
                    endTerm(t, Reason.RENEW_DEADLINE_PASSED, null);
                }
            }, delay, TimeUnit.NANOSECONDS);
        }
    }

    /** Gives the Lease up if it still shows this process: no holder, a 1 s duration, and who released it. */
    private void release() {
        LeaseSnapshot last = observed;
        if (last == null || !isMine(last.record())) {
            return;
        }
        LeaseRecord r = last.record();
        Map<String, String> annotations = new HashMap<>(r.annotations());
        annotations.remove(INSTANCE_ANNOTATION);
        annotations.put(RELEASED_BY_ANNOTATION, instanceId);
        // As client-go: acquireTime and leaseTransitions stay for the record.
        LeaseRecord released = new LeaseRecord(null, 1, r.acquireTime(), Instant.now(), r.leaseTransitions(),
                annotations);
        try {
            Optional<LeaseSnapshot> written = store.update(last, released);
            if (written.isPresent()) {
                observe(written.get());
                LOG.infof("Lease %s: released by %s (epoch %s)", leaseRef, settings.identity(), r.leaseTransitions());
            } else {
                LOG.infof("Lease %s: not released: it changed since this replica last wrote it", leaseRef);
            }
        } catch (LeaseStoreException e) {
            LOG.warnf("Lease %s: release failed (%s); standbys will take it when it expires", leaseRef, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- scheduling the next round

    private void scheduleNext(boolean failed, long sentAt) {
        if (closed) {
            return;
        }
        long now = ticker.nanos();
        long retry = settings.retryPeriod().toNanos();
        long delayNanos;
        ElectionTerm t = term;
        if (t != null && !t.isEnded()) {
            // Renewals are paced from when the last one was sent, so its latency does not eat the renew deadline;
            // after a failure the leader retries sooner, within what is left of the deadline.
            delayNanos = sentAt + jittered(retry) - now;
            if (failed) {
                long remaining = t.deadlineNanos() - now;
                delayNanos = Math.min(delayNanos, Math.max(remaining / 2, retry / 4));
            }
        } else if (!acquiring) {
            return;
        } else if (failed) {
            // Back off on failures: retry period doubling, at most the lease duration.
            long backoff = retry << Math.min(consecutiveFailures - 1, 16);
            delayNanos = jittered(Math.min(backoff, settings.leaseDuration().toNanos()));
        } else if (steppingAside) {
            delayNanos = stepAsideUntilNanos - now;
        } else {
            LeaseSnapshot s = observed;
            if (s != null && isMine(s.record())) {
                delayNanos = 0; // our own record without a term (e.g. a renewal landed after the deadline): retake
            } else if (s == null || s.record().isFree()) {
                if (holderMayStillAct()) {
                    delayNanos = vanishedAtNanos + durationOf(vanishedHolder).toNanos() - now + 1_000_000;
                } else {
                    delayNanos = watching ? Math.min(retry, TimeUnit.MILLISECONDS.toNanos(100)) : jittered(retry);
                }
            } else {
                long untilExpiry = observedAtNanos + durationOf(s.record()).toNanos() - now + 1_000_000;
                delayNanos = watching ? untilExpiry : Math.min(jittered(retry), untilExpiry);
            }
        }
        schedule(Math.max(delayNanos, 0));
    }

    private void schedule(long delayNanos) {
        cancelNextAttempt();
        if (!closed && !loop.isShutdown()) {
            nextAttempt = loop.schedule(this::attempt, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancelNextAttempt() {
        if (nextAttempt != null) {
            nextAttempt.cancel(false);
            nextAttempt = null;
        }
    }

    private static long jittered(long nanos) {
        return nanos + (long) (ThreadLocalRandom.current().nextDouble() * (ElectionSettings.JITTER - 1) * nanos);
    }

    // ---------------------------------------------------------------- watch

    private void startWatch() {
        if (closed) {
            return;
        }
        try {
            AutoCloseable opened = store.watch(settings.leaseName(), new LeaseStore.LeaseWatcher() {
                @Override
                public void onChange(Optional<LeaseSnapshot> snapshot) {
                    executeOnLoop(() -> changed(snapshot));
                }

                @Override
                public void onClose(LeaseStoreException cause) {
                    executeOnLoop(() -> watchClosed(cause));
                }
            });
            watching = true;
            watch.set(opened);
        } catch (LeaseStoreException e) {
            watchClosed(e);
        }
    }

    private void watchClosed(LeaseStoreException cause) {
        watching = false;
        if (closed) {
            return;
        }
        if (cause != null && cause.kind() == LeaseStoreException.Kind.FORBIDDEN) {
            if (!watchForbiddenReported) {
                watchForbiddenReported = true;
                LOG.infof("Lease %s: watching is not permitted (%s); polling every %s instead", leaseRef,
                        cause.getMessage(), settings.retryPeriod());
            }
        } else {
            LOG.infof("Lease %s: watch closed (%s); polling every %s and re-watching in %s", leaseRef,
                    cause == null ? "no reason given" : cause.getMessage(), settings.retryPeriod(),
                    settings.leaseDuration());
            watch.set(null);
            loop.schedule(this::startWatch, settings.leaseDuration().toMillis(), TimeUnit.MILLISECONDS);
        }
        schedule(0);
    }

    private void stopWatch() {
        watching = false;
        AutoCloseable w = watch.getAndSet(null);
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                LOG.debugf(e, "Lease %s: closing the watch", leaseRef);
            }
        }
    }

    /** A watch event: note it, and act now when it frees the Lease, deletes it, or shows a foreign holder. */
    private void changed(Optional<LeaseSnapshot> snapshot) {
        if (closed) {
            return;
        }
        if (snapshot.isEmpty()) {
            observeDeleted();
            schedule(0);
            return;
        }
        if (!observe(snapshot.get())) {
            return; // older than what we already know, or nothing new
        }
        LeaseRecord record = snapshot.get().record();
        ElectionTerm t = term;
        if (t != null && !t.isEnded() && !isMine(record)) {
            endTerm(t, Reason.TAKEN, record.isFree() ? null : record.holderIdentity());
            scheduleNext(false, ticker.nanos());
        } else if (t == null && record.isFree()) {
            schedule(0);
        } else if (t == null) {
            scheduleNext(false, ticker.nanos()); // re-arm the expiry timer from this observation
        }
    }

    private void executeOnLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RuntimeException e) {
            // stopped
        }
    }

    // ---------------------------------------------------------------- observation

    /**
     * Records a Lease read or delivered now. Returns false for a snapshot older than the one already known (watch
     * events and reads can cross) or identical in content. Expiry counts from when the content last changed.
     */
    private boolean observe(LeaseSnapshot snapshot) {
        LeaseSnapshot previous = observed;
        if (previous != null && isOlder(snapshot.resourceVersion(), previous.resourceVersion())) {
            return false;
        }
        observed = snapshot;
        Integer transitions = snapshot.record().leaseTransitions();
        if (transitions != null && transitions > highestEpochSeen) {
            highestEpochSeen = transitions;
        }
        if (previous != null && previous.record().equals(snapshot.record())) {
            return false;
        }
        observedAtNanos = ticker.nanos();
        LeaseRecord now = snapshot.record();
        if (!now.isFree()) {
            vanishedHolder = null;
            if (!isMine(now)) {
                steppingAside = false; // someone else took over after our release
            }
        } else if (previous != null && !previous.record().isFree() && !isMine(previous.record())
                && !Objects.equals(now.annotation(RELEASED_BY_ANNOTATION),
                        previous.record().annotation(INSTANCE_ANNOTATION))) {
            vanishedHolder = previous.record();
            vanishedAtNanos = observedAtNanos;
            LOG.warnf("Lease %s: holder %s was cleared by someone else; waiting %s before taking it", leaseRef,
                    previous.record().holderIdentity(), durationOf(previous.record()));
        }
        String before = previous == null || previous.record().isFree() ? null : previous.record().holderIdentity();
        String after = snapshot.record().isFree() ? null : snapshot.record().holderIdentity();
        if (!Objects.equals(before, after) && (previous != null || after != null)) {
            LOG.infof("Lease %s: leader is now %s (was %s)", leaseRef, after == null ? "nobody" : after,
                    before == null ? "nobody" : before);
            Safely.run(leaseRef, () -> observer.leaderChanged(new LeaderChanged(leaseRef, Optional.ofNullable(before),
                    Optional.ofNullable(after))));
        }
        return true;
    }

    private void observeDeleted() {
        LeaseSnapshot previous = observed;
        if (previous == null) {
            return;
        }
        observed = null;
        observedAtNanos = ticker.nanos();
        if (!previous.record().isFree() && !isMine(previous.record())) {
            vanishedHolder = previous.record();
            vanishedAtNanos = observedAtNanos;
        }
        if (!previous.record().isFree()) {
            String before = previous.record().holderIdentity();
            LOG.infof("Lease %s: deleted (it was held by %s)", leaseRef, before);
            Safely.run(leaseRef, () -> observer.leaderChanged(new LeaderChanged(leaseRef, Optional.of(before), Optional.empty())));
        }
    }

    private Optional<String> observedHolder() {
        LeaseSnapshot s = observed;
        return s == null || s.record().isFree() ? Optional.empty() : Optional.of(s.record().holderIdentity());
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

    /** True while a holder that vanished without releasing may still be acting, judged on our clock. */
    private boolean holderMayStillAct() {
        return vanishedHolder != null && vanishedAtNanos + durationOf(vanishedHolder).toNanos() - ticker.nanos() > 0;
    }

    private boolean isMine(LeaseRecord record) {
        return settings.identity().equals(record.holderIdentity())
                && instanceId.equals(record.annotation(INSTANCE_ANNOTATION));
    }

    private boolean expired(LeaseRecord record) {
        return observedAtNanos + durationOf(record).toNanos() - ticker.nanos() < 0;
    }

    /**
     * The holder's lease duration. A missing, zero or negative value (written by someone else) is replaced by our
     * own configured duration: judging it expired at once could take the Lease from a live holder.
     */
    private Duration durationOf(LeaseRecord record) {
        Integer seconds = record.leaseDurationSeconds();
        if (seconds != null && seconds > 0) {
            return Duration.ofSeconds(seconds);
        }
        if (!record.isFree() && !badDurationReported) {
            badDurationReported = true;
            LOG.warnf("Lease %s held by %s has leaseDurationSeconds=%s; judging its expiry by this replica's %s",
                    leaseRef, record.holderIdentity(), seconds, settings.leaseDuration());
        }
        return settings.leaseDuration();
    }

    private LeaseRecord fresh(long epoch) {
        Instant now = Instant.now();
        return new LeaseRecord(settings.identity(), leaseSeconds(), now, now, (int) epoch,
                Map.of(INSTANCE_ANNOTATION, instanceId));
    }

    /** A new term: a new holder, acquire time and epoch, even when the same identity takes the Lease back. */
    private LeaseRecord acquired(LeaseRecord previous) {
        Instant now = Instant.now();
        long last = Math.max(previous.leaseTransitions() == null ? -1 : previous.leaseTransitions(), highestEpochSeen);
        Map<String, String> annotations = new HashMap<>(previous.annotations());
        annotations.put(INSTANCE_ANNOTATION, instanceId);
        annotations.remove(RELEASED_BY_ANNOTATION);
        return new LeaseRecord(settings.identity(), leaseSeconds(), now, now, (int) (last + 1), annotations);
    }

    private LeaseRecord renewed(LeaseRecord previous) {
        return new LeaseRecord(settings.identity(), leaseSeconds(), previous.acquireTime(), Instant.now(),
                previous.leaseTransitions(), previous.annotations());
    }

    private int leaseSeconds() {
        return (int) settings.leaseDuration().toSeconds();
    }

    // ---------------------------------------------------------------- reporting

    private void report(LeaseStoreException e) {
        consecutiveFailures++;
        LeaseStoreException previous = lastFailure;
        lastFailure = e;
        if (previous == null || previous.kind() != e.kind()) {
            if (e.kind() == LeaseStoreException.Kind.FORBIDDEN) {
                LOG.errorf("Lease %s: %s. This replica cannot lead until RBAC allows it; retrying with backoff",
                        leaseRef, e.getMessage());
            } else {
                LOG.warnf("Lease %s: %s (%s); retrying with backoff", leaseRef, e.getMessage(), e.kind());
            }
        } else {
            LOG.debugf("Lease %s: still failing (%d in a row): %s", leaseRef, consecutiveFailures, e.getMessage());
        }
    }
}
