package dev.baton.scheduling.records;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names of the annotations Baton reads and writes on a job's Lease, {@code baton.dev/<kind>.<job id>}. An
 * annotation's name (after the {@code baton.dev/} prefix) may have 63 characters at most; a job id that does not
 * fit beside its kind gets a stable short form, the start of the id, a dash and 8 hex digits of its SHA-256, the
 * same on every replica and across releases. {@code GET /jobs} shows the exact keys.
 */
public final class ControlKeys {

    /** The prefix of every annotation Baton owns. */
    public static final String PREFIX = "baton.dev/";
    /** {@code baton.dev/suspend=true} suspends every job of the Lease. */
    public static final String SUSPEND_ALL = PREFIX + "suspend";
    /** {@code baton.dev/suspend.<job>=true} suspends one job. */
    public static final String SUSPEND = "suspend";
    /** {@code baton.dev/run.<job>=<token>} asks for one run now; written by operators, never by Baton. */
    public static final String RUN = "run";
    /** The last run request the holder claimed or answered, written by Baton only. */
    public static final String RUN_STATUS = "run-status";
    /** The job's last runs, newest first, written by Baton only. */
    public static final String HISTORY = "history";
    /**
     * The run requests answered before the one the run status names, newest first, written by Baton only where the
     * history is kept apart and written late (a spread job's): what keeps their tokens from running again.
     */
    public static final String ANSWERED = "answered";
    /** The job's last run (the slot-once record), written by Baton only. */
    public static final String RECORD = "job";

    /** What Kubernetes allows for the name part of an annotation key. */
    static final int MAX_NAME = 63;
    private static final int HASH_CHARS = 8;

    private ControlKeys() {
    }

    /** The full annotation key of {@code kind} for job {@code id}, shortened when it would not fit. */
    public static String of(String kind, String id) {
        return PREFIX + name(kind, id);
    }

    /** The prefix of every key of {@code kind}, e.g. {@code baton.dev/run.}. */
    public static String prefix(String kind) {
        return PREFIX + kind + ".";
    }

    static String name(String kind, String id) {
        String plain = kind + "." + id;
        if (plain.length() <= MAX_NAME) {
            return plain;
        }
        int keep = MAX_NAME - kind.length() - 1 - 1 - HASH_CHARS;
        return kind + "." + id.substring(0, keep) + "-" + hash(id);
    }

    private static String hash(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
