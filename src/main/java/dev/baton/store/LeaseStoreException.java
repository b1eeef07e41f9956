package dev.baton.store;

/**
 * A store call that failed for a reason other than losing a race (a race is an ordinary outcome, reported as an
 * empty result). The elector reports these and retries with backoff.
 */
public class LeaseStoreException extends RuntimeException {

    /** What kind of failure, so callers can report and count it without parsing messages. */
    public enum Kind {
        /** 403: the ServiceAccount lacks a verb; the message names the verb and resource. */
        FORBIDDEN,
        /** 401: credentials rejected or expired. */
        UNAUTHORIZED,
        /** No answer in time. */
        TIMEOUT,
        /** 5xx or 429 from the API server. */
        SERVER_ERROR,
        /** Connection refused or reset, DNS failure: the API could not be reached. */
        UNREACHABLE,
        /** 400/422: the server refused the object we sent. */
        INVALID,
        /** The object exists but is not a Lease we can read. */
        MALFORMED,
        /** Anything else. */
        OTHER
    }

    private final Kind kind;
    private final int status;

    public LeaseStoreException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public LeaseStoreException(Kind kind, String message) {
        this(kind, 0, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when there was none. */
    public int status() {
        return status;
    }
}
