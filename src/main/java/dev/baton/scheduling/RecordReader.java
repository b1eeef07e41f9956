package dev.baton.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * to believe it. A record is text anyone with {@code update} on the Lease can edit: one that does not parse, claims a
 * later epoch than the current term or a slot far ahead of the clock was not written by a Baton leader, and trusting
 * it could stop the job for good. Such a record is logged once and treated as absent; the next run's record
 * replaces it.
 */
final class RecordReader {

    /** How far ahead of this replica's clock a recorded slot may be and still be believed (clock skew). */
    static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);

    private static final Logger LOG = Logger.getLogger(RecordReader.class);

    private final Function<String, LeaderElector> electors;
    private final Clock clock;
    /** What was already reported, so a bad annotation is logged once, not on every fire and every GET /jobs. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * @param electors the elector of a Lease name; null while that Lease's elector has not started
     * @param clock wall clock, to judge a recorded slot against
     */
    RecordReader(Function<String, LeaderElector> electors, Clock clock) {
        this.electors = electors;
        this.clock = clock;
    }

    /**
     * True when a leader of the term with {@code epoch} may have written {@code record}: epochs only grow, so a
     * record of a later epoch was not; and a slot more than {@link #FUTURE_TOLERANCE} ahead of {@code now} comes from
     * a clock far ahead or from a hand edit.
     */
    static boolean believable(JobRecord record, long epoch, Instant now) {
        return record.epoch() <= epoch && !isAhead(record, now);
    }

    private static boolean isAhead(JobRecord record, Instant now) {
        return record.handledThrough().isAfter(now.plus(FUTURE_TOLERANCE));
    }

    /** The annotations of the job's Lease as this replica last saw them; empty before it saw the Lease. */
    Map<String, String> annotations(JobSpec spec) {
        LeaderElector elector = electors.apply(spec.leaseName());
        return elector == null ? Map.of()
                : elector.observed().map(s -> s.record().annotations()).orElse(Map.of());
    }

    /** The job's last runs as its Lease's history says, newest first; an unreadable history is logged once. */
    List<JobRecord> history(JobSpec spec) {
        String raw = annotations(spec).get(spec.historyKey());
        if (JobHistory.unreadable(raw) && reportOnce(spec.id() + "\nhistory " + raw.hashCode())) {
            LOG.warnf("Singleton job %s: annotation %s is not a job history (a JSON array of runs, at most %d "
                    + "characters); it reads as empty and is replaced at the next run", spec.id(), spec.historyKey(),
                    JobHistory.MAX_CHARS_PER_JOB);
        }
        return JobHistory.parse(raw);
    }

    /** The last run request the holder claimed or answered for the job, if its status parses. */
    Optional<JobRecord> requestStatus(JobSpec spec) {
        return JobRecord.parse(annotations(spec).get(spec.runStatusKey()));
    }

    /** The job's last run as recorded in its Lease, if it parses; an unreadable value is logged once. */
    Optional<JobRecord> last(JobSpec spec) {
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
    Optional<JobRecord> believed(JobSpec spec, Term term) {
        Optional<JobRecord> last = last(spec);
        if (last.isPresent() && last.get().epoch() > term.epoch()) {
            if (reportOnce(spec.id() + "\nepoch " + last.get().epoch())) {
                LOG.warnf("Singleton job %s: its record claims epoch %d, later than the current term's %d; it was "
                        + "not written by a leader and is ignored (replaced by the next run's record)", spec.id(),
                        last.get().epoch(), term.epoch());
            }
            return Optional.empty();
        }
        if (last.isPresent() && isAhead(last.get(), clock.instant())) {
            if (reportOnce(spec.id() + "\nslot " + last.get().handledThrough())) {
                LOG.warnf("Singleton job %s: its record names slot %s, more than %s ahead of this replica's clock; "
                        + "ignored (a clock far ahead, or a hand edit), and replaced by the next run's record",
                        spec.id(), last.get().handledThrough(), FUTURE_TOLERANCE);
            }
            return Optional.empty();
        }
        return last;
    }

    private boolean reportOnce(String what) {
        if (reported.size() > 1000) {
            reported.clear(); // only to keep it from growing without bound; a value may be reported again
        }
        return reported.add(what);
    }
}
