package dev.baton.scheduling.records;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.baton.Term;
import dev.baton.election.LeaderElector;

/**
 * Reads a job's record from its Lease as this replica last saw it (memory only, never the API), and decides how far
 * to believe it. A record is text anyone with {@code update} on the Lease can edit: one that does not parse, or
 * claims a later epoch than the current term, was not written by a Baton leader (epochs do not depend on any clock).
 * Such a record is logged once and treated as absent; the next run's record replaces it.
 * <p>
 * A slot ahead of this replica's clock is <b>believed</b>: it may be a hand edit, but it may as well be the true
 * record of a leader whose clock was ahead, or this clock may be behind. Only the second reading is safe to act on
 * (ignoring the record would run again the slots it covers), so {@code ClockBehindLink} runs nothing up to that slot
 * and says so, and an operator clears a hand-edited one (docs/jobs.md, "What ran, in the Lease itself").
 */
public final class RecordReader {

    private static final Logger LOG = Logger.getLogger(RecordReader.class);

    private final Function<String, LeaderElector> electors;
    /** What was already reported, so a bad annotation is logged once, not on every fire and every GET /jobs. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** @param electors the elector of a Lease name; null while that Lease's elector has not started */
    public RecordReader(Function<String, LeaderElector> electors) {
        this.electors = electors;
    }

    /**
     * True when a leader of the term with {@code epoch} may have written {@code record}: epochs only grow, so a
     * record of a later epoch was not. Its slot is not judged: no clock can tell a slot that is too far ahead from
     * one written by a clock ahead of this one, and ignoring the second kind runs its slots again.
     */
    static boolean believable(JobRecord record, long epoch) {
        return record.epoch() <= epoch;
    }

    /** The annotations of the job's Lease as this replica last saw them; empty before it saw the Lease. */
    Map<String, String> annotations(JobSpec spec) {
        LeaderElector elector = electors.apply(spec.leaseName());
        return elector == null ? Map.of()
                : elector.observed().map(s -> s.record().annotations()).orElse(Map.of());
    }

    /** The job's last runs as its Lease's history says, newest first; an unreadable history is logged once. */
    public List<JobRecord> history(JobSpec spec) {
        String raw = annotations(spec).get(spec.historyKey());
        if (JobHistory.unreadable(raw) && reportOnce(spec.id() + "\nhistory " + raw.hashCode())) {
            LOG.warnf("Singleton job %s: annotation %s is not a job history (a JSON array of runs, at most %d "
                    + "characters); it reads as empty and is replaced at the next run", spec.id(), spec.historyKey(),
                    JobHistory.MAX_CHARS_PER_JOB);
        }
        return JobHistory.parse(raw);
    }

    /** The last run request the holder claimed or answered for the job, if its status parses. */
    public Optional<JobRecord> requestStatus(JobSpec spec) {
        return JobRecord.parse(annotations(spec).get(spec.runStatusKey()));
    }

    /** The job's last run as recorded in its Lease, if it parses; an unreadable value is logged once. */
    public Optional<JobRecord> last(JobSpec spec) {
        LeaderElector elector = electors.apply(spec.leaseName());
        if (elector == null) {
            return Optional.empty();
        }
        String raw = elector.observed().map(s -> s.record().annotation(spec.recordKey())).orElse(null);
        if (raw == null) {
            return Optional.empty();
        }
        Optional<JobRecord> parsed = JobRecord.parse(raw);
        if (parsed.isEmpty() && reportOnce(spec.id() + "\n" + raw)) {
            LOG.warnf("Lease %s: annotation %s is ignored: %s. The job runs as if it had no record; the annotation "
                    + "is replaced by the next run's record", elector.lease(), spec.recordKey(),
                    JobRecord.whyUnreadable(raw));
        }
        return parsed;
    }

    /**
     * The job's last record if this replica can believe it inside {@code term} (see {@link #believable}); a record
     * it cannot believe is logged once and treated as absent.
     */
    public Optional<JobRecord> believed(JobSpec spec, Term term) {
        Optional<JobRecord> last = last(spec);
        if (last.isPresent() && last.get().epoch() > term.epoch()) {
            if (reportOnce(spec.id() + "\nepoch " + last.get().epoch())) {
                LOG.warnf("Singleton job %s: its record claims epoch %d, later than the current term's %d; it was "
                        + "not written by a leader and is ignored (replaced by the next run's record)", spec.id(),
                        last.get().epoch(), term.epoch());
            }
            return Optional.empty();
        }
        return last;
    }

    /**
     * {@code record} as people are shown it: a {@code RUNNING} record of a term that has ended says
     * {@link JobRecord.Outcome#UNKNOWN} (see {@link JobRecord#outcomeUnknown}); the Lease as this replica last saw it.
     */
    public Optional<JobRecord> shown(JobSpec spec, Optional<JobRecord> record) {
        LeaderElector elector = electors.apply(spec.leaseName());
        if (record.isEmpty() || elector == null) {
            return record;
        }
        return elector.observed().map(s -> s.record())
                .map(lease -> record.get().shownWith(lease.leaseTransitions(), lease.isFree()))
                .or(() -> record);
    }

    private boolean reportOnce(String what) {
        if (reported.size() > 1000) {
            reported.clear(); // only to keep it from growing without bound; a value may be reported again
        }
        return reported.add(what);
    }

    /**
     * True when the run status of {@code spec} in {@code annotations} names {@code token} (claimed, run, or refused),
     * or its answered requests or its history do: that token is not run again.
     */
    public static boolean answered(Map<String, String> annotations, JobSpec spec, String token) {
        Optional<JobRecord> status = JobRecord.parse(annotations.get(spec.runStatusKey()));
        if (status.isPresent() && token.equals(status.get().request())) {
            return true;
        }
        return AnsweredRequests.parse(annotations.get(spec.answeredKey())).contains(token)
                || JobHistory.parse(annotations.get(spec.historyKey())).stream().anyMatch(e -> token.equals(e.request()));
    }
}
