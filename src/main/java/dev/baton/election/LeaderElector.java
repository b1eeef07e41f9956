package dev.baton.election;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.baton.Leadership;
import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.clock.Ticker;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * Elects one holder of one Lease. The decisions (what a round sends, when a term begins and ends, when the next
 * round is due) are the {@link ElectorStateMachine}'s, modelled on client-go's {@code leaderelection.go}: read its
 * numbered {@code tryAcquireOrRenew} first. This class runs them one at a time, in order, on the elector's
 * {@link SerialExecutor} (the "elector's thread": a pool every elector of the process shares, {@link ElectorThreads}):
 * <ol>
 * <li>{@link #start()} opens the watch and runs the first round;</li>
 * <li>{@link #round()} runs a round and schedules the next one when the state machine says;</li>
 * <li>{@link #changed} hands a watch event ({@link WatchSupervisor}) to the state machine, which may bring the next
 * round forward or end the term;</li>
 * <li>{@link #releaseNow()} hands leadership over on purpose;</li>
 * <li>{@link #closeAsync} ends the term, releases the Lease and stops; {@link #awaitClosed} waits for that and
 * stops the threads.</li>
 * </ol>
 * Everything else is a non-blocking read ({@link Leadership}, health) or a write of annotations within a term
 * ({@link #updateAnnotations}, the job runner's records), at once or riding on the next renewal
 * ({@link #updateAnnotationsWithNextRenewal}).
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
    private final LeaseRef leaseRef;
    private final Ticker ticker;
    private final ElectorThreads threads;
    private final AtomicBoolean threadsLeft = new AtomicBoolean();
    private final SerialExecutor loop;
    private final ElectorStateMachine machine;
    private final WatchSupervisor watch;
    /** Where the annotations written through this elector go: this Lease, or a shard's record Lease. */
    private final AnnotationRoute annotations;
    // The next round's timer, on the loop only. A standby's round is due when the Lease expires, and each renewal it
    // sees pushes that later: it only moves the due time, and the timer, when it fires early, waits again for what is
    // left (set again once per lease duration instead of cancelled and set on every event).
    private SerialExecutor.Delayed nextRound;
    private long nextRoundTimerNanos;
    private long nextRoundDueNanos;
    /** Told of every change of what this elector knows of its Lease ({@link #onChange}). */
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    public LeaderElector(LeaseStore store, ElectionSettings settings, ElectionObserver observer, Ticker ticker) {
        this(store, settings, observer, ticker, PauseBeforeTaking.NONE);
    }

    /** As the four-argument constructor, pausing before each take as {@code pauseBeforeTaking} says. */
    public LeaderElector(LeaseStore store, ElectionSettings settings, ElectionObserver observer, Ticker ticker,
            PauseBeforeTaking pauseBeforeTaking) {
        this(store, settings, observer, ticker, pauseBeforeTaking, null);
    }

    /**
     * As the five-argument constructor; with a {@code recordLease}, the annotations written through this elector
     * (the job runner's records) go to that Lease, fenced by this elector's terms, and not into its own, whose
     * renewals then carry nothing but the election ({@link RecordLease}).
     */
    public LeaderElector(LeaseStore store, ElectionSettings settings, ElectionObserver observer, Ticker ticker,
            PauseBeforeTaking pauseBeforeTaking, String recordLease) {
        this(store, settings, observer, ticker, pauseBeforeTaking, recordLease, null, AnnotationDeferral.NONE);
    }

    /** As the six-argument constructor, what {@code deferral} names going to {@code deferredLease}. */
    public LeaderElector(LeaseStore store, ElectionSettings settings, ElectionObserver observer, Ticker ticker,
            PauseBeforeTaking pauseBeforeTaking, String recordLease, String deferredLease,
            AnnotationDeferral deferral) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.leaseRef = new LeaseRef(store.namespace(), settings.leaseName());
        this.ticker = ticker == null ? Ticker.SYSTEM : ticker;
        this.threads = ElectorThreads.join();
        this.loop = threads.serial(leaseRef.toString());
        this.machine = new ElectorStateMachine(store, settings,
                new NotifyingObserver(observer == null ? ElectionObserver.NONE : observer, leaseRef, changeListeners), this.ticker, pauseBeforeTaking == null ? PauseBeforeTaking.NONE : pauseBeforeTaking,
                () -> ThreadLocalRandom.current().nextDouble(), loop, this::isWatching, threads.watchdog());
        this.watch = new WatchSupervisor(store, settings, leaseRef, loop, this::changed, () -> schedule(0),
                machine::isClosed);
        RecordLease records = recordLease == null ? null : new RecordLease(store, recordLease, settings.identity(),
                deferredLease == null ? null : new DeferredAnnotations(store, deferredLease, settings.identity(),
                        deferral, this.ticker), this::recordLeaseChanged);
        if (records != null) {
            machine.term.fenceWith(records::fence);
        }
        this.annotations = new AnnotationRoute(loop, new LeaseAnnotations(loop, store, leaseRef,
                machine.termWrites::heldIn, machine.termWrites::ridingWith, machine::observe,
                () -> changed(store.get(settings.leaseName()))), machine.termWrites, records);
    }

    // ---------------------------------------------------------------- running the state machine

    /** Starts watching and competing for the Lease. Returns at once. */
    public void start() {
        loop.execute(() -> {
            annotations.start();
            watch.start();
            round();
        });
    }

    private void round() {
        schedule(machine.attempt());
        annotations.flush(machine.currentTerm(), false);
    }

    /** The record Lease changed (its watch): the listeners look now, on the loop, as for this Lease's changes. */
    private void recordLeaseChanged() {
        try {
            loop.execute(() -> changeListeners.forEach(l -> Safely.run(leaseRef, l)));
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void changed(Optional<LeaseSnapshot> snapshot) {
        schedule(machine.changed(snapshot));
    }

    /** Runs the next round in {@code delayNanos}, instead of when it was due; {@code NONE} leaves it as it is. */
    private void schedule(long delayNanos) {
        if (delayNanos == ElectorStateMachine.NONE) {
            return;
        }
        if (machine.isClosed() || loop.isShutdown()) {
            cancelNextRound();
            return;
        }
        long due = ticker.nanos() + delayNanos;
        nextRoundDueNanos = due;
        if (nextRound != null && nextRoundTimerNanos - due <= 0) {
            return; // the timer set fires no later than that; it then waits for the rest (roundDue)
        }
        cancelNextRound();
        armNextRound(due);
    }

    private void armNextRound(long due) {
        nextRoundTimerNanos = due;
        try {
            nextRound = loop.schedule(this::roundDue, Math.max(0, due - ticker.nanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            nextRound = null; // closed meanwhile
        }
    }

    /** The timer fired: a round if it is due, else wait for the rest (the due time moved later meanwhile). */
    private void roundDue() {
        nextRound = null;
        if (nextRoundDueNanos - ticker.nanos() > 0) {
            armNextRound(nextRoundDueNanos);
        } else {
            round();
        }
    }

    private void cancelNextRound() {
        if (nextRound != null) {
            nextRound.cancel();
            nextRound = null;
        }
    }

    /**
     * Stops trying to acquire the Lease (e.g. while the application drains before shutdown); a pause before a take
     * is abandoned. A current term keeps renewing until {@link #close()}.
     */
    public void stopAcquiring() {
        machine.stopAcquiring();
    }

    /**
     * Gives up the current term and releases the Lease now (reason RELEASED), then steps aside for one lease
     * duration (or until another replica takes it) before competing again: a way to hand leadership to another
     * replica, e.g. before maintenance. Returns at once.
     */
    public void releaseNow() {
        try {
            loop.execute(() -> {
                annotations.flush(machine.currentTerm(), true);
                schedule(machine.releaseNow());
            });
        } catch (RejectedExecutionException e) {
            // closed: nothing to release
        }
    }

    /**
     * Starts closing: ends the current term (reason SHUTDOWN), releases the Lease when {@code release} is true and
     * the Lease still shows this process, and stops competing. Returns at once; several electors closed this way
     * shut down in the time of the slowest, not the sum. Pass the result to {@link #awaitClosed}.
     */
    public CompletableFuture<Void> closeAsync(boolean release) {
        machine.stopAcquiring();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    cancelNextRound();
                    watch.stop();
                    if (release) {
                        annotations.flush(machine.currentTerm(), true);
                    }
                    machine.shutDown(release);
                    annotations.stop();
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
     * then, the term is ended from here and the Lease left to expire; either way its work and the watch stop (and,
     * with the last elector, the shared threads).
     */
    public void awaitClosed(CompletableFuture<Void> closing, Duration timeout) {
        try {
            closing.get(Math.max(timeout.toMillis(), 1), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("Lease %s: shutdown did not finish within %s (%s); the lease will expire instead",
                    leaseRef, timeout, e);
            machine.abandon();
            watch.stop();
        } finally {
            loop.shutdownNow();
            machine.stopWatchdog();
            if (threadsLeft.compareAndSet(false, true)) {
                threads.leave();
            }
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

    // ---------------------------------------------------------------- annotations (the job runner's records)

    /**
     * Writes {@code changes} into the Lease's annotations (a null value removes the key) while {@code term} is this
     * elector's current, valid term: see {@link LeaseAnnotations}. Completes with false (never exceptionally) when
     * the term is not current or valid, or the API refused or failed the write.
     */
    public CompletableFuture<Boolean> updateAnnotations(Term term, Map<String, String> changes) {
        Map<String, String> copy = new HashMap<>(changes);
        return updateAnnotations(term, current -> copy);
    }

    /**
     * As {@link #updateAnnotations(Term, Map)}, the changes computed on the elector's thread from the Lease's current
     * annotations, so that a decision such as "only if newer than what is there" is taken on the very version that
     * is written. {@code changes} returning null writes nothing and completes with false.
     */
    public CompletableFuture<Boolean> updateAnnotations(Term term,
            Function<Map<String, String>, Map<String, String>> changes) {
        return annotations.now(term, changes);
    }

    /**
     * As {@link #updateAnnotations(Term, Function)}, but without a write of its own: the changes ride on this
     * elector's next write of the Lease within {@code term}: the next renewal, the release if that comes first, or
     * an annotation write that happens anyway (see {@link PendingAnnotations}). For what need not land at once: it
     * costs no request, and lands within a retry period (plus jitter) while the term lasts.
     * Changes to one key queued before that write coalesce, the later winning. Completes true when the write that
     * carried them landed; false (never exceptionally) when {@code term} is not current and valid, when it ended
     * first (they are then lost: a new term never carries them), or when {@code changes} returned null on the
     * version written.
     */
    public CompletableFuture<Boolean> updateAnnotationsWithNextRenewal(Term term,
            Function<Map<String, String>, Map<String, String>> changes) {
        return annotations.withNextWrite(term, changes);
    }

    // ---------------------------------------------------------------- Leadership and health (non-blocking reads)

    @Override
    public LeaseRef lease() {
        return leaseRef;
    }

    @Override
    public String identity() {
        return settings.identity();
    }

    @Override
    public Optional<String> holder() {
        return machine.holder();
    }

    @Override
    public Optional<Term> currentTerm() {
        return machine.currentTerm();
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
        return watch != null && watch.isWatching();
    }

    /** Monotonic time of the last acquire or renew attempt (for the liveness adaptor). */
    public long lastAttemptNanos() {
        return machine.lastAttemptNanos();
    }

    /** The failure of the last attempt, if it failed. */
    public Optional<LeaseStoreException> lastFailure() {
        return machine.lastFailure();
    }

    /**
     * The last Lease content observed (for health and diagnostics); with a record Lease, its annotations are the
     * record Lease's, the rest this Lease's.
     */
    public Optional<LeaseSnapshot> observed() {
        return annotations.view(machine.observed());
    }

    /** The Lease the annotations written through this elector go to, when not this one ({@link RecordLease}). */
    public Optional<String> recordLease() {
        return annotations.recordLease();
    }

    /** The Lease where the annotations that may wait (the jobs' histories) go, when not the record Lease. */
    public Optional<String> deferredLease() {
        return annotations.deferredLease();
    }

    /** This process's private instance id, written next to the identity. */
    public String instanceId() {
        return machine.instanceId();
    }

    /**
     * Calls {@code listener} after each change of what this elector knows of its Lease: a new observation of it (a
     * watch delivery, a read, a write) and a term begun or ended. On the elector's thread (a term's end maybe on the
     * watchdog's), so it must return at once and hand any work to a thread of its own. For code that reacts to the
     * Lease instead of looking at it again and again (the job controls).
     */
    public void onChange(Runnable listener) {
        changeListeners.add(Objects.requireNonNull(listener, "listener"));
    }
}
