package dev.baton.scheduling.records;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * One run of a singleton job, as kept in its Lease: the last one as annotation {@code baton.dev/job.<job id>} (the
 * record the slot-once rules read, so that the next leader reads it and {@code kubectl describe lease} shows it), the
 * last few in the job's history, and the last run request in its run status. Compact JSON, at most
 * {@link #MAX_CHARS} characters: a long error is cut to fit.
 *
 * @param slot the scheduled instant this run was for (for a run request: when it was claimed)
 * @param replica the identity that ran it
 * @param epoch the term's epoch (fencing token)
 * @param outcome RUNNING (written before a catch-up-enabled job or a requested run starts), SUCCEEDED, FAILED,
 *        INTERRUPTED, TIMED_OUT, or REFUSED (a run request of a suspended job)
 * @param durationMs how long it ran; null while RUNNING
 * @param finishedAt when it finished (or started, while RUNNING)
 * @param catchUp true when the run caught up a missed slot
 * @param error the failure's message, cut short; null otherwise
 * @param trigger {@code schedule}, {@code catch-up} or {@code manual} (a run request); null in records written
 *        before triggers were recorded
 * @param request the run request's token, for a {@code manual} run
 * @param attempt the attempt's number, from 1, when the job retries
 * @param suspendedSince in the last record only: a holder saw the job suspended since then, and has not yet seen it
 *        resumed; a new term does not catch up slots while this is set
 * @param skippedThrough in the last record only: slots up to this one fell into a suspension and are not run or
 *        caught up, as if recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRecord(Instant slot, String replica, long epoch, Outcome outcome, Long durationMs, Instant finishedAt,
        Boolean catchUp, String error, String trigger, String request, Integer attempt, Instant suspendedSince,
        Instant skippedThrough) {

    /** Annotation prefix of job records. */
    public static final String PREFIX = "baton.dev/job.";

    /** The most one record may take, in characters of its annotation value. */
    public static final int MAX_CHARS = 1024;

    /** Identities are cut to this in history entries and run statuses (a pod name has at most 63 characters). */
    public static final int SHORT_REPLICA = 63;

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** How a run ended. */
    public enum Outcome {
        RUNNING,
        SUCCEEDED,
        FAILED,
        /** Its term ended (or the application drained) while it ran. */
        INTERRUPTED,
        /** It ran longer than its {@code @SingletonJob(timeout)} and was stopped. */
        TIMED_OUT,
        /** A run request the holder did not run: the job was suspended. */
        REFUSED,
        /**
         * Never written: what readers show for a {@code RUNNING} record whose term has ended ({@link #outcomeUnknown}).
         * The run began, but no final record came after it (the holder crashed or lost the Lease mid-run, or before
         * the final record rode on its next renewal), so nobody can say how it ended. Its slot or token is still
         * used up: it is not run again.
         */
        UNKNOWN
    }

    /** A record of a scheduled run, as written before triggers, requests and attempts were recorded. */
    public JobRecord(Instant slot, String replica, long epoch, Outcome outcome, Long durationMs, Instant finishedAt,
            Boolean catchUp, String error) {
        this(slot, replica, epoch, outcome, durationMs, finishedAt, catchUp, error, null, null, null, null, null);
    }

    /**
     * The latest slot this record settles: its own, or a later one that fell into a suspension. A fire or catch-up of
     * a slot up to here does not run.
     */
    public Instant handledThrough() {
        return skippedThrough != null && skippedThrough.isAfter(slot) ? skippedThrough : slot;
    }

    /**
     * True for a {@code RUNNING} record left by a term that has ended: the Lease has no holder, or a later epoch
     * ({@code leaseTransitions}) than the record's. Its run is no longer going, and how it ended is not known.
     */
    public boolean outcomeUnknown(Integer leaseEpoch, boolean leaseFree) {
        return outcome == Outcome.RUNNING && (leaseFree || (leaseEpoch != null && epoch < leaseEpoch));
    }

    /** As shown to people: {@link Outcome#UNKNOWN} instead of {@code RUNNING} when {@link #outcomeUnknown}. */
    public JobRecord shownWith(Integer leaseEpoch, boolean leaseFree) {
        return outcomeUnknown(leaseEpoch, leaseFree) ? new JobRecord(slot, replica, epoch, Outcome.UNKNOWN, durationMs,
                finishedAt, catchUp, error, trigger, request, attempt, suspendedSince, skippedThrough) : this;
    }

    /** This record with the suspension marks of {@code current} (the record it replaces), which a run must not drop. */
    JobRecord withMarksOf(JobRecord current) {
        if (current == null || (current.suspendedSince == null && current.skippedThrough == null)) {
            return this;
        }
        return new JobRecord(slot, replica, epoch, outcome, durationMs, finishedAt, catchUp, error, trigger, request,
                attempt, current.suspendedSince, current.skippedThrough);
    }

    /** This record with other suspension marks. */
    JobRecord withMarks(Instant suspendedSince, Instant skippedThrough) {
        return new JobRecord(slot, replica, epoch, outcome, durationMs, finishedAt, catchUp, error, trigger, request,
                attempt, suspendedSince, skippedThrough);
    }

    /**
     * What a history entry keeps of a run: no error (it is in the log, the last record and the run status), no
     * suspension marks, the replica cut to a pod name's length. A few hundred characters at most.
     */
    JobRecord forHistory() {
        return new JobRecord(slot, cut(replica, SHORT_REPLICA), epoch, outcome, durationMs, finishedAt, null, null,
                trigger, request, attempt, null, null);
    }

    /** The JSON written to the annotation, at most {@link #MAX_CHARS} characters. */
    public String toJson() {
        try {
            String json = JSON.writeValueAsString(this);
            if (json.length() <= MAX_CHARS) {
                return json;
            }
            if (error != null && !error.isEmpty()) {
                // JSON escaping can make the text longer than its characters: cut, measure again, at most a few times.
                int keep = Math.max(0, error.length() - (json.length() - MAX_CHARS) - 3);
                return new JobRecord(slot, replica, epoch, outcome, durationMs, finishedAt, catchUp,
                        keep == 0 ? "" : error.substring(0, keep) + "...", trigger, request, attempt, suspendedSince,
                        skippedThrough).toJson();
            }
            // Only the replica's identity can still be long (up to 253 characters is legal, more is not ours); a
            // request token is at most RunRequests.MAX_TOKEN.
            return new JobRecord(slot, cut(replica, 200), epoch, outcome, durationMs, finishedAt, catchUp, null,
                    trigger, request, attempt, suspendedSince, skippedThrough).toJsonOrFail();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write a job record", e);
        }
    }

    private String toJsonOrFail() throws Exception {
        String json = JSON.writeValueAsString(this);
        if (json.length() > MAX_CHARS) {
            throw new IllegalStateException("A job record does not fit " + MAX_CHARS + " characters: " + json.length());
        }
        return json;
    }

    public static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /**
     * What a failure says in a record and in {@code GET /jobs}: its class and the first line of its message, cut to
     * 200 characters. Not the whole text: messages can be long, and a stack or a query may carry data that has no
     * place in an annotation everyone with {@code get} on Leases can read.
     */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return null;
        }
        String message = failure.getMessage();
        String first = message == null ? "" : message.lines().findFirst().orElse("");
        return cut(failure.getClass().getName() + (first.isEmpty() ? "" : ": " + first), 200);
    }

    /**
     * Reads an annotation value. Empty (never an exception) for a value that is too long, is not JSON, or lacks the
     * slot, replica or outcome; the caller logs it and treats the job as having no record.
     */
    public static Optional<JobRecord> parse(String json) {
        if (json == null || json.isBlank() || json.length() > MAX_CHARS) {
            return Optional.empty();
        }
        try {
            JobRecord r = JSON.readValue(json, JobRecord.class);
            return r.slot() == null || r.replica() == null || r.outcome() == null ? Optional.empty() : Optional.of(r);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Why {@link #parse} refused {@code json}, for the log line. */
    public static String whyUnreadable(String json) {
        if (json != null && json.length() > MAX_CHARS) {
            return "it is " + json.length() + " characters, more than the " + MAX_CHARS + " a record may take";
        }
        return "it is not a job record (JSON with slot, replica, epoch and outcome)";
    }
}
