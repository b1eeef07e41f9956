package dev.baton.scheduling.run;

import dev.baton.scheduling.gate.Overruns;

import dev.baton.scheduling.telemetry.RunListener;

import dev.baton.scheduling.telemetry.JobMetrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.LeaderOnly;
import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.SingletonJob.Overlap;
import dev.baton.scheduling.SingletonRun;
import dev.baton.scheduling.controls.LeaseControls;
import dev.baton.scheduling.controls.Suspensions;
import dev.baton.scheduling.gate.ClockBehind;
import dev.baton.scheduling.gate.ClockSkew;
import dev.baton.scheduling.gate.JobGate;
import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.records.RecordReader;
import dev.baton.scheduling.records.RecordWriter;
import dev.baton.threads.DaemonThreads;

/**
 * The policy of singleton jobs, free of CDI so that several replicas can be run in one test. It holds the registered
 * jobs and the pieces of a run, and answers five calls: {@link #run} (one fire, through the chain of
 * {@link RunLink}s listed in {@link #chainFor}), {@link #termStarted} (catch-up), {@link #drain} (shutdown),
 * {@link #skipReason} (the gate, for {@link LeaderOnly} and {@code GET /jobs}), and what {@code GET /jobs} shows of a
 * job's Lease (record, history, suspension, run request). The operators' controls on the Lease (suspend, run now)
 * are looked at by {@link LeaseControls}.
 * <p>
 * A slot runs at most once per replica (an in-memory claim) and is not run by a replica that reads it in the
 * job's record, written by whichever leader ran it. For {@link CatchUp#RUN_LATEST} jobs the record is written
 * before the run ({@code RUNNING}) and the run does not happen without it, so even a crash mid-run cannot make a
 * later leader run that slot again. For other jobs the record is written when the run ends, so a slot cut short by
 * the end of a term may run again on the next leader if Quarkus fires it there. A run request's token is claimed in
 * the Lease before its run, so it runs at most once whatever happens.
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
    private final Suspensions suspensions = new Suspensions();
    private final LeaseControls controls;
    /** The fire that holds each job while it runs, for {@code overlap = SKIP} ({@link NoOverlapLink}). */
    private final Map<String, Fire> active = new ConcurrentHashMap<>();
    private final RequestStarter requests;
    /** Where timeouts stop runs. */
    private final ScheduledExecutorService timeouts = Executors
            .newSingleThreadScheduledExecutor(DaemonThreads.named("baton-jobs-timeout"));
    private final boolean sidecar;
    private final ClockSkew skew;
    private final ClockBehind behind;
    /** Told of each run ({@link ListenerLink}); null: nobody, and no link for it. */
    private volatile RunListener listener;

    /** A runner made of {@code settings} (see {@link RunnerSettings#of} for the defaults). */
    public JobRunner(RunnerSettings settings) {
        this.identity = settings.identity();
        this.electors = settings.electors();
        this.clock = settings.clock();
        this.sidecar = settings.sidecar();
        this.skew = new ClockSkew(settings.clusterClock());
        this.behind = new ClockBehind(skew);
        this.gate = new JobGate(sidecar, runs::draining, electors, jobs::containsKey);
        this.records = new RecordReader(electors);
        this.writer = new RecordWriter(clock, settings.maxRecords(), settings.history(), settings.writeTimeout(),
                jobs::containsKey);
        this.metrics = new JobMetrics(settings.meters());
        this.end = new RunEnd(identity, clock, runs, writer, metrics);
        this.catchUps = new CatchUps(jobs.values(), electors, clock, records, metrics);
        this.requests = new RequestStarter(clock, jobs::get);
        this.controls = new LeaseControls(() -> jobs.values().stream().map(RegisteredJob::spec).toList(), electors,
                writer, suspensions, active::containsKey, requests);
    }

    /**
     * Registers a job. {@code invoker} runs the job for a given slot when Baton fires it itself (a catch-up, a run
     * request); it must end up in {@link #run} (the CDI interceptor does; tests pass a lambda that calls it). The
     * first registration starts looking at the controls on the Leases (outside sidecar mode).
     */
    public void register(JobSpec spec, Function<Instant, Object> invoker) {
        RegisteredJob previous = jobs.putIfAbsent(spec.id(), new RegisteredJob(spec, invoker));
        if (previous != null) {
            throw new IllegalArgumentException("Two singleton jobs have the id " + spec.id()
                    + ": give one of them another @Scheduled(identity = ...)");
        }
        if (!sidecar) {
            controls.start();
        }
    }

    /** Tells {@code listener} of every run that begins from now on, and of how it ends (tracing: {@link RunListener}). */
    public void listen(RunListener listener) {
        this.listener = listener;
    }

    /** The registered job, if any. */
    public Optional<JobSpec> job(String id) {
        return Optional.ofNullable(jobs.get(id)).map(RegisteredJob::spec);
    }

    // ------------------------------------------------------------------ the gate, and what GET /jobs shows

    /**
     * Why the job would not run now, or empty when it would: the gate's reason, else {@code clock-skew} while this
     * replica's clock is off ({@link ClockSkew}; a standby says {@code not-leader}). A non-blocking read of
     * in-memory state, safe in a skip predicate on the event loop.
     */
    public Optional<String> skipReason(JobSpec spec) {
        return gate.skipReason(spec).or(skew::skipReason);
    }

    /** Whether this replica's clock may name slots, and what job Lease electors are told about it. */
    public ClockSkew clockSkew() {
        return skew;
    }

    /** Counts a skip, e.g. decided by the skip predicate. */
    public void skipped(JobSpec spec, String reason) {
        metrics.skipped(spec, reason);
    }

    /**
     * The job's last run as recorded in its Lease (as last seen by this replica); a run whose term ended before its
     * final record was written shows {@link JobRecord.Outcome#UNKNOWN}.
     */
    public Optional<JobRecord> lastRecord(JobSpec spec) {
        return records.shown(spec, records.last(spec));
    }

    /** The job's last runs as its Lease's history says (as last seen by this replica), newest first. */
    public List<JobRecord> history(JobSpec spec) {
        return records.history(spec);
    }

    /** The annotation that suspends the job, as this replica last saw its Lease; empty when it is not suspended. */
    public Optional<String> suspendedBy(JobSpec spec) {
        return gate.suspended(spec);
    }

    /** The last run request the holder claimed or answered for the job (as last seen by this replica). */
    public Optional<JobRecord> lastRequest(JobSpec spec) {
        return records.shown(spec, records.requestStatus(spec));
    }

    // ------------------------------------------------------------------ a run

    /**
     * Runs {@code body} for {@code slot} if this replica holds a valid term of the job's Lease and the slot has not
     * run yet; otherwise counts the skip and returns what a skipped method of {@code returnType} returns (a void
     * {@code Uni}, a completed stage, or null). A returned {@code Uni} or {@code CompletionStage} is wrapped so that
     * it is cancelled when the term ends. A failure of the body is recorded and rethrown. When Baton itself invoked
     * the job on this thread (a catch-up, a run request: {@link PendingFire}), that says what fired it.
     */
    public Object run(JobSpec spec, Instant slot, boolean catchUp, Class<?> returnType, Callable<Object> body)
            throws Exception {
        Optional<PendingFire> pending = PendingFire.of(spec.id());
        RunTrigger trigger = pending.map(PendingFire::trigger)
                .orElse(catchUp ? RunTrigger.CATCH_UP : RunTrigger.SCHEDULE);
        String request = pending.map(PendingFire::request).orElse(null);
        return chainFor(spec, trigger).invoke(new Fire(spec, slot, trigger, request, returnType, body));
    }

    /**
     * The links a fire of {@code spec} passes through, outermost first; each is one small class that says why it
     * is there. A job option that changes how a run happens is a new link in this list, chosen from the spec (and
     * what fired it) as the started record is (Quarkus's {@code SimpleScheduler} builds its invoker the same way).
     * Built per fire: a handful of small objects, and never stale.
     */
    private RunLink chainFor(JobSpec spec, RunTrigger trigger) {
        boolean manual = trigger == RunTrigger.MANUAL;
        JobOptions options = spec.options();
        List<UnaryOperator<RunLink>> links = new ArrayList<>();
        links.add(next -> new SkipReportLink(next, metrics));
        links.add(next -> new GateLink(next, gate, electors));
        links.add(next -> new ClockSkewLink(next, skew));
        links.add(next -> new SuspendLink(next, suspensions, writer, identity, clock));
        if (!manual) {
            // A requested run is outside the schedule: it neither uses up a slot nor is held back by one.
            links.add(next -> new ClockBehindLink(next, records, clock, behind));
            links.add(next -> new RecordedSlotLink(next, records));
            links.add(next -> new ClaimLink(next, jobs::get));
        }
        if (options.overlap() == Overlap.SKIP) {
            links.add(next -> new NoOverlapLink(next, active, clock));
        }
        links.add(next -> new BindToTermLink(next, runs));
        if (manual) {
            links.add(next -> new RequestClaimLink(next, identity, clock, writer, end));
        } else if (spec.catchUp() == CatchUp.RUN_LATEST) {
            links.add(next -> new StartedRecordLink(next, identity, clock, writer, end));
        } else {
            links.add(next -> new StillValidLink(next, runs));
        }
        if (options.retries() > 0) {
            links.add(next -> new RetryLink(next, runs, clock, metrics));
        }
        RunListener told = listener;
        if (told != null) {
            links.add(next -> new ListenerLink(next, told, identity));
        }
        links.add(next -> new FinalRecordLink(next, end));
        if (options.timeout().isPresent()) {
            links.add(next -> new TimeoutLink(next, timeouts));
        }
        links.add(CurrentRunLink::new);
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

    /**
     * The slot Baton asks {@code spec} to run on this thread (a catch-up, a run request); read by whoever ends up in
     * {@link #run}, such as the interceptor, which has no other way to learn it.
     */
    public static Optional<Instant> pendingSlot(JobSpec spec) {
        return PendingFire.of(spec.id()).map(PendingFire::slot);
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
        controls.stop(); // no run request is started from here on
        Set<LeaseRef> keep = runs.drain(timeout);
        catchUps.shutdown();
        requests.shutdown();
        return keep;
    }

    /** Stops this runner's own threads (controls, requests, timeouts) without draining; for tests' replicas. */
    public void close() {
        controls.stop();
        requests.shutdown();
        timeouts.shutdownNow();
        catchUps.shutdown();
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
