package dev.baton.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.clock.ClusterClock;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.SingletonJob.CatchUp;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The policy of singleton jobs, free of CDI so that several replicas can be run in one test. It holds the registered
 * jobs and the pieces of a run, and answers four calls: {@link #run} (one fire, through the chain of
 * {@link RunLink}s listed in {@link #chainFor}), {@link #termStarted} (catch-up), {@link #drain} (shutdown) and
 * {@link #skipReason} (the gate, for {@link LeaderOnly} and {@code GET /jobs}).
 * <p>
 * A slot runs at most once per replica (an in-memory claim) and is not run by a replica that reads it in the
 * job's record, written by whichever leader ran it. For {@link CatchUp#RUN_LATEST} jobs the record is written
 * before the run ({@code RUNNING}) and the run does not happen without it, so even a crash mid-run cannot make a
 * later leader run that slot again. For other jobs the record is written when the run ends, so a slot cut short by
 * the end of a term may run again on the next leader if Quarkus fires it there.
 */
public final class JobRunner implements Overruns {

    private final String identity;
    private final Function<String, LeaderElector> electors;
    private final Clock clock;
    private final Map<String, RegisteredJob> jobs = new ConcurrentHashMap<>();
    private final RunsInProgress runs = new RunsInProgress();
    private final JobGate gate;
    private final RecordReader records;
    private final RecordWriter writer;
    private final JobMetrics metrics;
    private final RunEnd end;
    private final CatchUps catchUps;
    private final boolean sidecar;
    private final ClockSkew skew;
    private final ClockBehind behind;

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
        this(identity, electors, clock, meters, sidecar, maxRecords, writeTimeout, null);
    }

    /**
     * As the seven-argument constructor, refusing slots while {@code clusterClock} says this replica's wall clock is
     * off ({@link ClockSkew}); null: never refused.
     */
    public JobRunner(String identity, Function<String, LeaderElector> electors, Clock clock,
            MeterRegistry meters, boolean sidecar, int maxRecords, Duration writeTimeout, ClusterClock clusterClock) {
        this.skew = new ClockSkew(clusterClock);
        this.behind = new ClockBehind(skew);
        this.identity = identity;
        this.electors = electors;
        this.clock = clock;
        this.sidecar = sidecar;
        this.gate = new JobGate(sidecar, runs::draining, electors);
        this.records = new RecordReader(electors);
        this.writer = new RecordWriter(maxRecords, writeTimeout, jobs::containsKey);
        this.metrics = new JobMetrics(meters);
        this.end = new RunEnd(identity, clock, runs, writer, metrics);
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
     * Why the job would not run now, or empty when it would: the gate's reason, else {@code clock-skew} while this
     * replica's clock is off ({@link ClockSkew}; a standby says {@code not-leader}). A non-blocking read of
     * in-memory state, safe in a skip predicate on the event loop.
     */
    public Optional<String> skipReason(JobSpec spec) {
        return gate.skipReason(spec).or(skew::skipReason);
    }

    /** Counts a skip, e.g. decided by the skip predicate. */
    public void skipped(JobSpec spec, String reason) {
        metrics.skipped(spec, reason);
    }

    /** Whether this replica's clock may name slots, and what job Lease electors are told about it. */
    ClockSkew clockSkew() {
        return skew;
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
        return chainFor(spec).invoke(new Fire(spec, slot, catchUp, returnType, body));
    }

    /**
     * The links a fire of {@code spec} passes through, outermost first; each is one small class that says why it
     * is there. A job option that changes how a run happens is a new link in this list, chosen from the spec as
     * the started record is (Quarkus's {@code SimpleScheduler} builds its invoker the same way). Built per fire:
     * a handful of small objects, and never stale.
     */
    private RunLink chainFor(JobSpec spec) {
        List<UnaryOperator<RunLink>> links = List.of(
                next -> new SkipReportLink(next, metrics),
                next -> new GateLink(next, gate, electors),
                next -> new ClockSkewLink(next, skew),
                next -> new ClockBehindLink(next, records, clock, behind),
                next -> new RecordedSlotLink(next, records),
                next -> new ClaimLink(next, jobs::get),
                next -> new BindToTermLink(next, runs),
                spec.catchUp() == CatchUp.RUN_LATEST
                        ? next -> new StartedRecordLink(next, identity, clock, writer, end)
                        : next -> new StillValidLink(next, runs),
                next -> new FinalRecordLink(next, end),
                CurrentRunLink::new);
        RunLink chain = RunLink.BODY;
        for (int i = links.size() - 1; i >= 0; i--) {
            chain = links.get(i).apply(chain);
        }
        return chain;
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
