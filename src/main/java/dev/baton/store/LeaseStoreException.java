package dev.baton.store;

import java.time.Duration;
import java.util.Optional;

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
        /** 5xx from the API server. */
        SERVER_ERROR,
        /**
         * 429: the API server sheds load (API Priority and Fairness, or max-in-flight) and asks the client to come
         * back later ({@link #retryAfter()}). Not a verdict on the Lease: a leader keeps its term until the renew
         * deadline, as for any failure, and waits as told before its next attempt.
         */
        THROTTLED,
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
    private final Duration retryAfter;

    public LeaseStoreException(Kind kind, int status, String message, Throwable cause) {
        this(kind, status, message, cause, null);
    }

    /** @param retryAfter how long the server asked the client to wait (a 429's Retry-After), or null */
    public LeaseStoreException(Kind kind, int status, String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
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

    /** How long the API server asked the client to wait before its next request, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
