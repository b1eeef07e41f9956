package dev.baton.scheduling.controls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.baton.Term;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.records.ControlKeys;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.records.RecordReader;
import dev.baton.scheduling.records.RecordWriter;
import dev.baton.store.LeaseSnapshot;
import dev.baton.threads.DaemonThreads;

/**
 * The operators' controls, as the holder of each Lease sees them: it looks at the Lease its elector already observes
 * (memory only, never the API) every {@link #PERIOD}, and whenever that Lease changed (a watch delivery, or the
 * holder's own read where watching is forbidden) it
 * <ul>
 * <li>logs a job's suspension or resumption once ({@link Suspensions#note}) and marks it in the job's record
 * ({@link RecordWriter#markSuspended}, {@link RecordWriter#markResumed}), so that the slots a suspension makes it miss
 * are never caught up, also by a later holder;</li>
 * <li>starts each run request ({@code baton.dev/run.<job>=<token>}) not yet claimed or answered, on a thread of the
 * runner's; while a run of that job is going here (no overlap), the request waits for it to end;</li>
 * <li>reports once, and otherwise ignores, what nobody can act on: a request or suspension for a job this
 * application does not have on that Lease, a malformed token, a suspension value other than {@code true} or
 * {@code false}.</li>
 * </ul>
 * A standby does none of this: only the holder acts, and a new holder starts from what the Lease says.
 */
public final class LeaseControls {

    /** How often the observed Leases are looked at; a look at an unchanged Lease costs two field reads. */
    static final Duration PERIOD = Duration.ofMillis(20);

    private static final Logger LOG = Logger.getLogger(LeaseControls.class);

    /** Starts the run of a request on another thread; calls {@code done} when that run's fire returned. */
    public interface Dispatch {
        void start(JobSpec job, String token, Runnable done);
    }

    private final Supplier<Collection<JobSpec>> jobs;
    private final Function<String, LeaderElector> electors;
    private final RecordWriter writer;
    private final Suspensions suspensions;
    private final Predicate<String> runningHere;
    private final Dispatch dispatch;
    private final ScheduledExecutorService timer = Executors
            .newSingleThreadScheduledExecutor(DaemonThreads.named("baton-jobs-controls"));
    private volatile boolean started;

    // Confined to the timer's thread, but for the sets that the completion of a write or run updates.
    private final Map<String, LeaseSnapshot> scanned = new HashMap<>();
    private final Set<String> rescan = ConcurrentHashMap.newKeySet();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> marking = ConcurrentHashMap.newKeySet();
    /** Per job and token, the Lease version at which its run was last started: not again before the Lease changes. */
    private final Map<String, String> tried = new HashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * @param jobs the registered jobs (a live view)
     * @param electors the elector of a Lease name; null while that Lease's elector has not started
     * @param runningHere whether a run of a job (by id) is going on this replica, so that a request waits
     */
    public LeaseControls(Supplier<Collection<JobSpec>> jobs, Function<String, LeaderElector> electors, RecordWriter writer,
            Suspensions suspensions, Predicate<String> runningHere, Dispatch dispatch) {
        this.jobs = jobs;
        this.electors = electors;
        this.writer = writer;
        this.suspensions = suspensions;
        this.runningHere = runningHere;
        this.dispatch = dispatch;
    }

    /** Starts looking, once. */
    public synchronized void start() {
        if (!started) {
            started = true;
            timer.scheduleWithFixedDelay(this::tick, 0, PERIOD.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Stops looking: no request is started after this. */
    public void stop() {
        timer.shutdownNow();
    }

    private void tick() {
        Map<String, List<JobSpec>> byLease = new HashMap<>();
        for (JobSpec job : jobs.get()) {
            byLease.computeIfAbsent(job.leaseName(), l -> new ArrayList<>()).add(job);
        }
        byLease.forEach((lease, onLease) -> {
            try {
                look(lease, onLease);
            } catch (RuntimeException e) {
                // One Lease's surprise must not stop the controls of the others, nor the timer.
                LOG.warnf(e, "Lease %s: the run controls failed; trying again at its next change", lease);
            }
        });
    }

    private void look(String leaseName, List<JobSpec> onLease) {
        LeaderElector elector = electors.apply(leaseName);
        Term term = elector == null ? null : elector.currentTerm().orElse(null);
        LeaseSnapshot snapshot = elector == null ? null : elector.observed().orElse(null);
        if (term == null || snapshot == null) {
            scanned.remove(leaseName);
            return;
        }
        boolean again = rescan.remove(leaseName);
        if (snapshot == scanned.get(leaseName) && !again) {
            return;
        }
        scanned.put(leaseName, snapshot);
        Map<String, String> annotations = snapshot.record().annotations();
        Map<String, JobSpec> byKey = new HashMap<>();
        for (JobSpec job : onLease) {
            Optional<String> by = Suspensions.suspendedBy(job, annotations);
            suspensions.note(job, elector.lease(), by);
            mark(job, by, annotations, elector, term, leaseName);
            byKey.put(job.runKey(), job);
            byKey.put(job.suspendKey(), job);
        }
        String runs = ControlKeys.prefix(ControlKeys.RUN);
        String suspends = ControlKeys.prefix(ControlKeys.SUSPEND);
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(runs)) {
                request(key, e.getValue(), byKey.get(key), annotations, snapshot, leaseName, elector);
            } else if (key.startsWith(suspends) || key.equals(ControlKeys.SUSPEND_ALL)) {
                if (!key.equals(ControlKeys.SUSPEND_ALL) && byKey.get(key) == null) {
                    unknown(key, e.getValue(), elector);
                } else if (!Suspensions.isDecision(e.getValue())) {
                    report(elector, key, e.getValue(), "only 'true' suspends ('false', or removing it, resumes)");
                }
            }
        }
    }

    /** Keeps the suspension marks of the job's record in step with what the Lease says now. */
    private void mark(JobSpec spec, Optional<String> by, Map<String, String> annotations, LeaderElector elector,
            Term term, String leaseName) {
        JobRecord record = JobRecord.parse(annotations.get(spec.recordKey())).orElse(null);
        if (record == null || by.isPresent() == (record.suspendedSince() != null) || !marking.add(spec.id())) {
            return; // no record (nothing to catch up), already in step, or a mark on its way
        }
        Predicate<Map<String, String>> suspendedIn = a -> Suspensions.suspendedBy(spec, a).isPresent();
        (by.isPresent() ? writer.markSuspended(spec, elector, term, suspendedIn)
                : writer.markResumed(spec, elector, term, suspendedIn))
                .whenComplete((ok, e) -> {
                    marking.remove(spec.id());
                    if (!Boolean.TRUE.equals(ok)) {
                        LOG.debugf("Singleton job %s: suspension mark not written; again at the Lease's next change",
                                spec.id());
                    }
                });
    }

    private void request(String key, String token, JobSpec job, Map<String, String> annotations,
            LeaseSnapshot snapshot, String leaseName, LeaderElector elector) {
        if (job == null) {
            unknown(key, token, elector);
            return;
        }
        String malformed = RunRequests.whyMalformed(token);
        if (malformed != null) {
            report(elector, key, token, malformed);
            return;
        }
        String id = job.id() + "\n" + token;
        if (RecordReader.answered(annotations, job, token)) {
            tried.remove(id);
            return;
        }
        if (inFlight.contains(id)) {
            return;
        }
        if (runningHere.test(job.id())) {
            rescan.add(leaseName); // look again at the next tick: it starts once the running one has ended
            return;
        }
        if (snapshot.resourceVersion().equals(tried.get(id))) {
            return; // started at this version and still not claimed (refused or failed): wait for a change
        }
        if (tried.size() > 1000) {
            tried.clear(); // only to keep it bounded: a request may then be started once more, and is refused
        }
        tried.put(id, snapshot.resourceVersion());
        inFlight.add(id);
        dispatch.start(job, token, () -> {
            inFlight.remove(id);
            rescan.add(leaseName);
        });
    }

    private void unknown(String key, String value, LeaderElector elector) {
        String elsewhere = jobs.get().stream()
                .filter(j -> j.runKey().equals(key) || j.suspendKey().equals(key))
                .map(j -> "; job " + j.id() + " is on lease " + j.leaseName())
                .findFirst().orElse("");
        report(elector, key, value, "no singleton job of this application on this Lease has that key" + elsewhere
                + " (GET /jobs shows each job's keys)");
    }

    /** Logs once per Lease, key and value that the annotation is ignored, and why. */
    private void report(LeaderElector elector, String key, String value, String why) {
        if (reported.size() > 1000) {
            reported.clear(); // only to keep it from growing without bound; an annotation may be reported again
        }
        String what = value == null ? "" : value.length() + ":" + value.hashCode();
        if (reported.add(elector.lease() + "\n" + key + "\n" + what)) {
            String shown = value == null ? "" : value.length() > 80 ? value.substring(0, 80) + "..." : value;
            LOG.warnf("Lease %s: annotation %s=%s is ignored: %s", elector.lease(), key,
                    shown.replaceAll("\\p{Cntrl}", "?"), why);
        }
    }
}
