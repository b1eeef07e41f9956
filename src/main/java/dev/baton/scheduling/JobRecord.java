package dev.baton.scheduling;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The last run of one singleton job, kept in its Lease as annotation {@code baton.dev/job.<job id>} so that the
 * next leader reads it and {@code kubectl describe lease} shows it. Compact JSON, at most {@link #MAX_CHARS}
 * characters: a long error is cut to fit.
 *
 * @param slot the scheduled instant this run was for
 * @param replica the identity that ran it
 * @param epoch the term's epoch (fencing token)
 * @param outcome RUNNING (written before a catch-up-enabled job starts), SUCCEEDED, FAILED or INTERRUPTED
 * @param durationMs how long it ran; null while RUNNING
 * @param finishedAt when it finished (or started, while RUNNING)
 * @param catchUp true when the run caught up a missed slot
 * @param error the failure's message, cut short; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRecord(Instant slot, String replica, long epoch, Outcome outcome, Long durationMs, Instant finishedAt,
        Boolean catchUp, String error) {

    /** Annotation prefix of job records. */
    public static final String PREFIX = "baton.dev/job.";

    /** The most one record may take, in characters of its annotation value. */
    public static final int MAX_CHARS = 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** How a run ended. */
    public enum Outcome {
        RUNNING,
        SUCCEEDED,
        FAILED,
        /** Its term ended (or the application drained) while it ran. */
        INTERRUPTED
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
                        keep == 0 ? "" : error.substring(0, keep) + "...").toJson();
            }
            // Only the replica's identity can still be long (up to 253 characters is legal, more is not ours).
            return new JobRecord(slot, cut(replica, 200), epoch, outcome, durationMs, finishedAt, catchUp, null)
                    .toJsonOrFail();
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

    private static String cut(String s, int max) {
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
