package dev.baton.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.JobRecord.Outcome;
import dev.baton.scheduling.SingletonJob.CatchUp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import dev.baton.DaemonThreads;

/**
 * The policy of singleton jobs, free of CDI so that several replicas can be run in one test: the gate (a run needs a
 * valid term of its Lease), the binding of a run to its term (told to stop when the term ends), the records in the
 * Lease, catch-up when a term begins, and the drain at shutdown.
 * <p>
 * A slot runs at most once per replica (an in-memory claim) and is not run by a replica that reads it in the
 * job's record, written by whichever leader ran it. For {@link CatchUp#RUN_LATEST} jobs the record is written
 * before the run ({@code RUNNING}) and the run does not happen without it, so even a crash mid-run cannot make a
 * later leader run that slot again. For other jobs the record is written when the run ends, so a slot cut short by
 * the end of a term may run again on the next leader if Quarkus fires it there.
 */
public final class JobRunner implements Overruns {

    static final ThreadLocal<Run> CURRENT = new ThreadLocal<>();
    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final String identity;
    private final Function<String, LeaderElector> electors;
    private final Clock clock;
    private final MeterRegistry meters;
    private final boolean sidecar;
    private final Map<String, RegisteredJob> jobs = new ConcurrentHashMap<>();
    private final RunsInProgress runs = new RunsInProgress();
    private final RecordReader records;
    private final RecordWriter writer;
    private final JobMetrics metrics;
    private final CatchUps catchUps;

    /**
     * @param identity this replica's identity, written to records
     * @param electors the elector of a Lease name; null while that Lease's elector has not started
     * @param clock wall clock for slots and records
     * @param meters where runs, skips and durations are counted
     * @param sidecar true in sidecar mode, where singleton jobs never run
     * @param maxRecords how many job records one Lease may carry
     * @param writeTimeout how long a run waits for its record to be written
     */
    public JobRunner(String identity, Function<String, LeaderElector> electors, Clock clock,
            MeterRegistry meters, boolean sidecar, int maxRecords, Duration writeTimeout) {
        this.identity = identity;
        this.electors = electors;
        this.clock = clock;
        this.meters = meters;
        this.sidecar = sidecar;
        this.records = new RecordReader(electors, clock);
        this.writer = new RecordWriter(clock, maxRecords, writeTimeout, jobs::containsKey);
        this.metrics = new JobMetrics(meters);
        this.catchUps = new CatchUps(jobs.values(), electors, clock, records, metrics);
    }

    /**
     * Registers a job. {@code invoker} runs the job for a given slot when it is caught up; it must end up in
     * {@link #run} (the CDI interceptor does; tests pass a lambda that calls it).
     */
    public void register(JobSpec spec, Function<Instant, Object> invoker) {
        RegisteredJob previous = jobs.putIfAbsent(spec.id(), new RegisteredJob(spec, invoker));
        if (previous != null) {
            throw new IllegalArgumentException("Two singleton jobs have the id " + spec.id()
                    + ": give one of them another @Scheduled(identity = ...)");
        }
    }

    /** The registered job, if any. */
    public Optional<JobSpec> job(String id) {
        return Optional.ofNullable(jobs.get(id)).map(RegisteredJob::spec);
    }

    // ------------------------------------------------------------------ the gate

    /**
     * Why the job would not run now, or empty when it would. A non-blocking read of in-memory state, safe in a
     * skip predicate on the event loop.
     */
    public Optional<String> skipReason(JobSpec spec) {
        if (sidecar) {
            return Optional.of("sidecar");
        }
        if (runs.draining()) {
            return Optional.of("draining");
        }
        LeaderElector elector = electors.apply(spec.leaseName());
        return elector != null && elector.isLeader() ? Optional.empty() : Optional.of("not-leader");
    }

    /** Counts a skip, e.g. decided by the skip predicate. */
    public void skipped(JobSpec spec, String reason) {
        metrics.skipped(spec, reason);
    }

    /** The job's last run as recorded in its Lease (as last seen by this replica). */
    public Optional<JobRecord> lastRecord(JobSpec spec) {
        return records.last(spec);
    }

    // ------------------------------------------------------------------ a run

    /**
     * Runs {@code body} for {@code slot} if this replica holds a valid term of the job's Lease and the slot has not
     * run yet; otherwise counts the skip and returns what a skipped method of {@code returnType} returns (a void
     * {@code Uni}, a completed stage, or null). A returned {@code Uni} or {@code CompletionStage} is wrapped so that
     * it is cancelled when the term ends. A failure of the body is recorded and rethrown.
     */
    public Object run(JobSpec spec, Instant slot, boolean catchUp, Class<?> returnType, Callable<Object> body)
            throws Exception {
        Optional<String> skip = skipReason(spec);
        LeaderElector elector = electors.apply(spec.leaseName());
        Term term = elector == null ? null : elector.currentTerm().orElse(null);
        if (skip.isEmpty() && term == null) {
            skip = Optional.of("not-leader");
        }
        if (skip.isEmpty()) {
            skip = alreadyRun(spec, slot, term);
        }
        Claim claim = null;
        if (skip.isEmpty()) {
            claim = Claim.take(jobs.get(spec.id()), slot);
            skip = claim == null ? Optional.of("already-run") : skip;
        }
        if (skip.isPresent()) {
            return skip(spec, slot, skip.get(), returnType);
        }

        // Registered before the started record and the last checks, so a drain that begins meanwhile either waits
        // for this run or is seen by it.
        // A method declared to return Uni or CompletionStage may be called on the event loop: never interrupt that.
        boolean declaredAsync = returnType != null && (Uni.class.isAssignableFrom(returnType)
                || CompletionStage.class.isAssignableFrom(returnType));
        // Nor a @NonBlocking job's thread: it is the event loop too, and its record is then written without waiting.
        boolean mayBlock = !declaredAsync && !io.vertx.core.Context.isOnEventLoopThread();
        Run run = new Run(spec, slot, catchUp, term, mayBlock ? Thread.currentThread() : null, System.nanoTime());
        runs.add(run);
        boolean startedRecorded = false;
        if (runs.draining()) {
            skip = Optional.of("draining"); // the drain may have looked before this run was registered
        } else if (spec.catchUp() == CatchUp.RUN_LATEST && !mayBlock) {
            LOG.warnf("Singleton job %s: slot %s not run: catch-up jobs wait for their started record, which cannot "
                    + "be done on the event loop (make the method blocking)", spec.id(), slot);
            skip = Optional.of("record-not-written");
        } else if (spec.catchUp() == CatchUp.RUN_LATEST) {
            JobRecord started = new JobRecord(slot, identity, term.epoch(), Outcome.RUNNING, null, clock.instant(),
                    catchUp ? Boolean.TRUE : null, null);
            if (!writer.write(spec, elector, term, started)) {
                LOG.warnf("Singleton job %s: slot %s not run: its started record could not be written to lease %s "
                        + "(a run without it could be repeated by the next leader)", spec.id(), slot, elector.lease());
                skip = Optional.of("record-not-written");
            } else {
                startedRecorded = true;
            }
        }
        if (startedRecorded && !run.isValid()) {
            // The Lease now says this slot started: no later leader runs it, so record truthfully that it did not
            // (written only while the term is still valid).
            finish(run, new CancellationException("stopped before it began: " + (run.stopReason != null
                    ? run.stopReason : "its term (epoch " + term.epoch() + ") ended")), elector);
            return skippedResult(returnType);
        }
        // Once its started record has landed a slot runs even if a drain began meanwhile: it was registered
        // before, so the drain waits for it, and skipping would leave a RUNNING record for a slot never run.
        if (!startedRecorded && skip.isEmpty() && runs.draining()) {
            skip = Optional.of("draining");
        } else if (!startedRecorded && skip.isEmpty() && !run.isValid()) {
            skip = Optional.of("not-leader");
        }
        if (skip.isPresent()) {
            boolean stopped = run.finish();
            runs.remove(run);
            claim.rollBack(); // nothing recorded this slot: a later fire of it may still run it
            if (mayBlock && stopped) {
                Thread.interrupted(); // our stop, come while waiting, must not hit the thread's next task
            }
            return skip(spec, slot, skip.get(), returnType);
        }
        if (catchUp) {
            LOG.infof("Singleton job %s: catching up missed slot %s (epoch %d)", spec.id(), slot, term.epoch());
        }
        Object result;
        CURRENT.set(run);
        try {
            result = body.call();
        } catch (Throwable t) {
            finish(run, t, elector);
            throw t;
        } finally {
            CURRENT.remove();
        }
        if (result instanceof Uni<?> uni) {
            run.detachThread();
            Uni<String> stopped = Uni.createFrom().completionStage(run.stopped)
                    .onItem().failWith(why -> new CancellationException("singleton run stopped: " + why));
            // Finished by the job's own Uni (its end or its cancellation), not by the combination around it.
            @SuppressWarnings("unchecked")
            Uni<Object> job = ((Uni<Object>) uni).onTermination().invoke((item, failure, cancelled) -> finish(run,
                    cancelled ? new CancellationException("subscription cancelled") : failure, elector));
            return Uni.combine().any().of(job, stopped.onItem().castTo(Object.class));
        }
        if (result instanceof CompletionStage<?> stage) {
            run.detachThread();
            // Cancelling a stage is only a request (a derived future may complete while the work goes on): the run
            // stays registered until the job's own stage completes, so a drain sees it and keeps the Lease.
            stage.whenComplete((v, failure) -> finish(run, failure, elector));
            CompletableFuture<Object> returned = new CompletableFuture<>();
            stage.whenComplete((v, failure) -> {
                if (failure != null) {
                    returned.completeExceptionally(failure);
                } else {
                    returned.complete(v);
                }
            });
            run.onStop(() -> {
                returned.completeExceptionally(new CancellationException("singleton run stopped: " + run.stopReason));
                try {
                    stage.toCompletableFuture().cancel(true);
                } catch (UnsupportedOperationException e) {
                    // a stage that offers no future to cancel: the caller is told, the work runs its course
                }
            });
            return returned;
        }
        finish(run, null, elector);
        return result;
    }

    private Object skip(JobSpec spec, Instant slot, String reason, Class<?> returnType) {
        LOG.debugf("Singleton job %s: slot %s skipped (%s)", spec.id(), slot, reason);
        skipped(spec, reason);
        return skippedResult(returnType);
    }

    private Optional<String> alreadyRun(JobSpec spec, Instant slot, Term term) {
        Optional<JobRecord> last = records.believed(spec, term);
        return last.isPresent() && !last.get().slot().isBefore(slot) ? Optional.of("already-run") : Optional.empty();
    }

    private void finish(Run run, Throwable failure, LeaderElector elector) {
        boolean stopped = run.finish();
        if (run.blocking && stopped) {
            // Our interrupt must not hit the thread's next task; one from anyone else is theirs to see.
            Thread.interrupted();
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        // A job told to stop that swallowed the interrupt and returned did not necessarily finish its work.
        Outcome outcome = stopped || cause instanceof InterruptedException || cause instanceof CancellationException
                ? Outcome.INTERRUPTED
                : cause == null ? Outcome.SUCCEEDED : Outcome.FAILED;
        long durationNanos = System.nanoTime() - run.startNanos;
        runs.remove(run);
        JobSpec spec = run.spec;
        metrics.ran(spec, outcome, durationNanos);
        if (outcome == Outcome.INTERRUPTED) {
            LOG.infof("Singleton job %s: run for slot %s stopped (%s)", spec.id(), run.slot,
                    run.stopReason == null ? String.valueOf(cause) : run.stopReason);
        }
        JobRecord record = new JobRecord(run.slot, identity, run.term.epoch(), outcome,
                Duration.ofNanos(durationNanos).toMillis(), clock.instant(), run.catchUp ? Boolean.TRUE : null,
                JobRecord.describe(cause));
        if (!run.term.isValid()) {
            LOG.infof("Singleton job %s: slot %s ended %s after its term (epoch %d) ended; not recorded",
                    spec.id(), run.slot, outcome, run.term.epoch());
        } else if (run.blocking) {
            writer.write(spec, elector, run.term, record);
        } else {
            writer.writeAsync(spec, elector, run.term, record);
        }
    }

    private static Object skippedResult(Class<?> returnType) {
        if (returnType != null && Uni.class.isAssignableFrom(returnType)) {
            return Uni.createFrom().voidItem();
        }
        if (returnType != null && CompletionStage.class.isAssignableFrom(returnType)) {
            return CompletableFuture.completedFuture(null);
        }
        return null;
    }

    // ------------------------------------------------------------------ catch-up

    /**
     * A term began on {@code term.lease()}: for each job of that Lease, look for a slot missed since its record and
     * apply the job's policy. Returns at once; the work runs on the catch-up threads.
     */
    public void termStarted(Term term) {
        if (!sidecar) {
            catchUps.termStarted(term);
        }
    }

    /** The slot a catch-up invoker is asked to run; read by whoever ends up in {@link #run}. */
    public static Optional<Instant> pendingCatchUpSlot() {
        return CatchUps.pendingSlot();
    }

    // ------------------------------------------------------------------ drain and health

    /**
     * Stops starting singleton runs, waits up to {@code timeout} for the running ones, then stops (interrupts or
     * cancels) those still going and gives them a moment to record their outcome while the term is still held.
     *
     * @return the Leases of runs that ignored being stopped and still go on: the caller asks the election layer to
     *         stop their electors without releasing them, so standbys wait for them to expire instead of overlapping
     */
    public Set<LeaseRef> drain(Duration timeout) {
        Set<LeaseRef> keep = runs.drain(timeout);
        catchUps.shutdown();
        return keep;
    }

    /** True once {@link #drain} began. */
    public boolean draining() {
        return runs.draining();
    }

    /** Runs in progress on this replica. */
    public List<SingletonRun> running() {
        return runs.list();
    }

    @Override
    public List<Overrun> overruns() {
        return runs.overruns();
    }
}
