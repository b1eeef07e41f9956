package dev.baton.scheduling.records;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import dev.baton.Term;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.records.JobRecord.Outcome;

/**
 * Writes what the holder keeps of its jobs in their Lease through its elector: on the elector's thread, conditional
 * on the version this leader last wrote, and only while the run's term is valid. What may replace what is decided
 * there, on the very version that is written, so nothing another writer changed meanwhile is overwritten, and only
 * the job's own annotations are ever changed:
 * <ul>
 * <li>the record ({@code baton.dev/job.<id>}): a started record ({@link #write}), or a run's final record together
 * with its history entry ({@link #writeFinal}); never back to an older slot, and within the bound
 * ({@link RecordRules#refusal});</li>
 * <li>the run status ({@code baton.dev/run-status.<id>}): a run request claimed before its run
 * ({@link #claimRequest}), then answered with the run's outcome ({@link #finishRequest}), or refused
 * ({@link #answerRequest}), each time only for the token the Lease still shows;</li>
 * <li>the suspension marks in the record ({@link #markSuspended}, {@link #markResumed}).</li>
 * </ul>
 * Two kinds of write. What keeps a slot or a token from running twice (a started record, a request's claim, a
 * refusal that uses a token up) is a write of its own, at once, between renewals
 * ({@link LeaderElector#updateAnnotations(Term, java.util.function.Function)}), and the run waits for it. What only
 * tells how a run ended (a final record and its history entry, a request's outcome) rides on the elector's next write
 * of the Lease ({@link LeaderElector#updateAnnotationsWithNextRenewal}): the next renewal, the release, or one of the
 * writes above, whichever comes first, and costs no request of its own. If the term ends before (a crash, a lost
 * Lease) it is lost, and the Lease keeps what was there: for a {@code RUN_LATEST} job or a request the started record
 * or the claim, which still keeps the slot or token from running again and which readers show as an outcome unknown
 * ({@link JobRecord#outcomeUnknown}); for any other job the previous record, as when a leader crashes mid-run.
 */
public final class RecordWriter {

    private static final Logger LOG = Logger.getLogger(RecordWriter.class);

    private final Clock clock;
    private final int maxRecords;
    private final int historySize;
    private final Duration writeTimeout;
    private final Predicate<String> isJobOfThisApp;

    /**
     * @param clock wall clock, for the suspension marks (when a suspension was seen, which slots it covered)
     * @param maxRecords how many job records (and run statuses) one Lease may carry
     * @param historySize how many runs each job's history keeps (0: none)
     * @param writeTimeout how long {@link #write} waits
     * @param isJobOfThisApp whether a job id is one of this application's jobs (only those count against the bound)
     */
    public RecordWriter(Clock clock, int maxRecords, int historySize, Duration writeTimeout,
            Predicate<String> isJobOfThisApp) {
        this.clock = clock;
        this.maxRecords = maxRecords;
        this.historySize = historySize;
        this.writeTimeout = writeTimeout;
        this.isJobOfThisApp = isJobOfThisApp;
    }

    // ------------------------------------------------------------------ records

    /**
     * Writes the job's started record, at once, and waits up to the write timeout; false when nothing was written, or
     * not in time. A caller that gives up (timeout, interrupt) cancels the write if it has not been sent yet, so that
     * it cannot land for a slot that was not run.
     */
    public boolean write(JobSpec spec, LeaderElector elector, Term term, JobRecord record) {
        Write write = new Write(spec, elector, term, record, Delivery.AT_ONCE);
        return await(writeRecord(write), write, record.outcome() == Outcome.RUNNING);
    }

    /**
     * A run's final record (with its history entry), riding on the elector's next write of the Lease within
     * {@code term} (see the class documentation); never waits. Completes true once it landed.
     */
    public CompletableFuture<Boolean> writeFinal(JobSpec spec, LeaderElector elector, Term term, JobRecord record) {
        return writeRecord(new Write(spec, elector, term, record, Delivery.RIDING));
    }

    private CompletableFuture<Boolean> writeRecord(Write write) {
        String key = write.spec.recordKey();
        JobRecord record = write.record;
        Term term = write.term;
        JobSpec spec = write.spec;
        return submit(write, annotations -> {
            String older = RecordRules.olderSlot(annotations, key, record, term.epoch());
            String bound = older == null
                    ? RecordRules.overBound(annotations, key, JobRecord.PREFIX, maxRecords, isJobOfThisApp)
                    : null;
            if (bound != null) {
                return Refused.because(bound); // no record here, so no history either
            }
            Map<String, String> changes = new HashMap<>();
            if (older == null) {
                JobRecord current = RecordRules.believed(annotations, key, term.epoch()).orElse(null);
                changes.put(key, record.withMarksOf(current).toJson());
            }
            if (record.outcome() != Outcome.RUNNING) {
                addHistory(annotations, changes, spec, record);
            }
            // An overlapping run that ended after a newer slot was recorded still belongs in the history.
            return changes.isEmpty() ? Refused.because(older) : new Changes(changes, older);
        });
    }

    // ------------------------------------------------------------------ run requests

    /** Why the run status of request {@code token} may not be written (its rules, then the bound), or null. */
    private String runStatusRefusal(Map<String, String> annotations, JobSpec spec, String token) {
        String why = RecordRules.requestRefusal(annotations, spec, token);
        return why != null ? why
                : RecordRules.overBound(annotations, spec.runStatusKey(), ControlKeys.prefix(ControlKeys.RUN_STATUS),
                        maxRecords, isJobOfThisApp);
    }

    /**
     * Claims the run request of {@code claim} (its {@code RUNNING} run status), waiting up to the write timeout; false
     * when it was not claimed (answered already, withdrawn, over the bound, or the write failed or was late: a late
     * write is cancelled if it has not been sent yet, so a token is never claimed for a run that did not happen).
     */
    public boolean claimRequest(JobSpec spec, LeaderElector elector, Term term, JobRecord claim) {
        Write write = new Write(spec, elector, term, claim, Delivery.AT_ONCE);
        boolean lateHistory = elector.deferredLease().isPresent();
        return await(submit(write, annotations -> replaceStatus(annotations, spec, claim, lateHistory)), write, true);
    }

    /**
     * Answers a run request the holder will not run (the job is suspended): its run status and history say
     * {@code REFUSED}, so the token is used up and the operator sees why. Waits up to the write timeout.
     */
    public boolean answerRequest(JobSpec spec, LeaderElector elector, Term term, JobRecord refusal) {
        Write write = new Write(spec, elector, term, refusal, Delivery.AT_ONCE);
        boolean lateHistory = elector.deferredLease().isPresent();
        CompletableFuture<Boolean> written = submit(write, annotations -> {
            Changes c = replaceStatus(annotations, spec, refusal, lateHistory);
            if (c.changes() != null) {
                addHistory(annotations, c.changes(), spec, refusal);
            }
            return c;
        });
        return await(written, write, false);
    }

    /**
     * The run status of {@code spec} replaced by {@code status}, if the request rules and the bound allow it. Where the
     * history is written late (a spread job's), the token it replaces is kept beside it ({@link AnsweredRequests}).
     */
    private Changes replaceStatus(Map<String, String> annotations, JobSpec spec, JobRecord status,
            boolean lateHistory) {
        String why = runStatusRefusal(annotations, spec, status.request());
        if (why != null) {
            return Refused.because(why);
        }
        Map<String, String> changes = new HashMap<>();
        changes.put(spec.runStatusKey(), status.toJson());
        if (lateHistory) {
            AnsweredRequests.keepReplaced(annotations, changes, spec, status.request());
        }
        return new Changes(changes, null);
    }

    /**
     * Marks a requested run done: its run status takes the run's outcome, if it still shows this run's claim (with
     * overlapping runs allowed, a newer request's claim stays), and its history gets the entry. Rides on the
     * elector's next write, as a final record does ({@link #writeFinal}); never waits.
     */
    public CompletableFuture<Boolean> finishRequest(JobSpec spec, LeaderElector elector, Term term, JobRecord record) {
        String key = spec.runStatusKey();
        return submit(new Write(spec, elector, term, record, Delivery.RIDING), annotations -> {
            Map<String, String> changes = new HashMap<>();
            Optional<JobRecord> status = JobRecord.parse(annotations.get(key));
            String why = null;
            if (status.isEmpty() || record.request().equals(status.get().request())) {
                changes.put(key, record.toJson());
            } else {
                why = "the run status now shows request " + status.get().request();
            }
            addHistory(annotations, changes, spec, record);
            return new Changes(changes, why);
        });
    }

    // ------------------------------------------------------------------ suspension marks

    /**
     * The holder saw {@code spec} suspended: its record says so ({@code suspendedSince}), so that a new term does not
     * catch up the slots the suspension makes it miss even if the job is resumed before that term begins. Written
     * only if the Lease, at the version written, still suspends the job and has a record to mark (a job with no record
     * has nothing to catch up). {@code suspendedIn} is the controls' reading of the annotations (the records do not
     * interpret operators' annotations themselves).
     */
    public CompletableFuture<Boolean> markSuspended(JobSpec spec, LeaderElector elector, Term term,
            Predicate<Map<String, String>> suspendedIn) {
        String key = spec.recordKey();
        return submit(new Write(spec, elector, term, null, Delivery.AT_ONCE), annotations -> {
            Instant now = clock.instant();
            Optional<JobRecord> current = RecordRules.believed(annotations, key, term.epoch());
            if (!suspendedIn.test(annotations) || current.isEmpty()
                    || current.get().suspendedSince() != null) {
                return Refused.because("nothing to mark");
            }
            JobRecord marked = current.get().withMarks(now.truncatedTo(ChronoUnit.MILLIS),
                    current.get().skippedThrough());
            return new Changes(Map.of(key, marked.toJson()), null);
        });
    }

    /**
     * The holder saw {@code spec} resumed: the slots up to the latest one now ({@code skippedThrough}) fell into the
     * suspension, and are neither run late nor caught up; the suspension mark is cleared. Written only if the Lease,
     * at the version written, no longer suspends the job.
     */
    public CompletableFuture<Boolean> markResumed(JobSpec spec, LeaderElector elector, Term term,
            Predicate<Map<String, String>> suspendedIn) {
        String key = spec.recordKey();
        return submit(new Write(spec, elector, term, null, Delivery.AT_ONCE), annotations -> {
            Instant now = clock.instant();
            Optional<JobRecord> current = RecordRules.believed(annotations, key, term.epoch());
            if (suspendedIn.test(annotations) || current.isEmpty()
                    || current.get().suspendedSince() == null) {
                return Refused.because("nothing to mark");
            }
            Instant through = spec.cron().flatMap(c -> c.latestAtOrBefore(now))
                    .orElse(now.truncatedTo(ChronoUnit.MILLIS));
            Instant before = current.get().skippedThrough();
            JobRecord marked = current.get().withMarks(null,
                    before != null && before.isAfter(through) ? before : through);
            return new Changes(Map.of(key, marked.toJson()), null);
        });
    }

    // ------------------------------------------------------------------ the write

    /** What to write (null values remove), and why part of it was not; or, with no changes, why nothing is. */
    private record Changes(Map<String, String> changes, String refused) {
    }

    private static final class Refused {
        static Changes because(String why) {
            return new Changes(null, why);
        }
    }

    /** Adds the history entry of {@code record} to {@code changes}, sized on the Lease as it will be written. */
    private void addHistory(Map<String, String> annotations, Map<String, String> changes, JobSpec spec,
            JobRecord record) {
        String key = spec.historyKey();
        Map<String, String> after = new HashMap<>(annotations);
        changes.forEach((k, v) -> {
            if (v == null) {
                after.remove(k);
            } else {
                after.put(k, v);
            }
        });
        Optional<String> history = JobHistory.with(after, key, record, historySize);
        if (history.isPresent()) {
            changes.put(key, history.get());
        } else if (annotations.containsKey(key)) {
            changes.put(key, null); // it no longer fits (or history is off): gone rather than past the bounds
        }
    }

    /** How a write is sent: a request of its own, at once, or riding on the elector's next write of the Lease. */
    private enum Delivery {
        AT_ONCE, RIDING
    }

    /**
     * One write of a job's annotations: whose, through which elector, within which term, the record it is about (for
     * the log; null for the suspension marks) and how it is sent. A caller that stops waiting {@link #abandon}s it:
     * if it has not been sent yet, it is then not sent at all.
     */
    private static final class Write {
        final JobSpec spec;
        final LeaderElector elector;
        final Term term;
        final JobRecord record;
        final Delivery delivery;
        private volatile boolean abandoned;

        Write(JobSpec spec, LeaderElector elector, Term term, JobRecord record, Delivery delivery) {
            this.spec = spec;
            this.elector = elector;
            this.term = term;
            this.record = record;
            this.delivery = delivery;
        }

        void abandon() {
            abandoned = true;
        }
    }

    private CompletableFuture<Boolean> submit(Write write, Function<Map<String, String>, Changes> compute) {
        JobSpec spec = write.spec;
        JobRecord record = write.record;
        AtomicReference<String> refused = new AtomicReference<>();
        Function<Map<String, String>, Map<String, String>> changesOn = annotations -> {
            if (write.abandoned) {
                refused.set("its writer gave up waiting");
                return null;
            }
            Changes c = compute.apply(annotations);
            refused.set(c.refused());
            if (c.changes() == null) {
                return null;
            }
            Map<String, String> changes = new HashMap<>(c.changes()); // null values allowed: removals
            return changes;
        };
        CompletableFuture<Boolean> written = write.delivery == Delivery.RIDING
                ? write.elector.updateAnnotationsWithNextRenewal(write.term, changesOn)
                : write.elector.updateAnnotations(write.term, changesOn);
        return written.whenComplete((ok, e) -> {
            String why = refused.get();
            if (record == null) {
                return; // marks: retried by the controls at the Lease's next change
            }
            if (!Boolean.TRUE.equals(ok) || why != null) {
                if (why != null && record.outcome() != Outcome.RUNNING) {
                    LOG.debugf("Singleton job %s: %s for %s (%s) not written: %s", spec.id(), what(record),
                            record.request() != null ? record.request() : record.slot(), record.outcome(), why);
                } else {
                    LOG.infof("Singleton job %s: %s for %s (%s) not written to lease %s%s", spec.id(), what(record),
                            record.request() != null ? record.request() : record.slot(), record.outcome(),
                            write.elector.lease(), why == null ? "" : ": " + why);
                }
            }
        });
    }

    private static String what(JobRecord record) {
        return record.request() != null ? "run status of request" : "record of slot";
    }

    /** Waits up to the write timeout; a caller giving up abandons the write when {@code withdrawIfLate}. */
    private boolean await(CompletableFuture<Boolean> written, Write write, boolean withdrawIfLate) {
        try {
            return written.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            if (withdrawIfLate) {
                write.abandon();
            }
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            if (withdrawIfLate) {
                write.abandon();
            }
            return false;
        }
    }
}
