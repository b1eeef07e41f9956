package dev.baton.http.page;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Lease annotations that control jobs (issue 10): {@code baton.dev/suspend.<job id>=true} suspends one job,
 * {@code baton.dev/suspend=true} every job of the Lease, {@code baton.dev/run.<job id>=<token>} asks for one run.
 * The page shows these wherever they are set and the dev controls write them; what they do is the scheduler's
 * business. The keys a job really uses are in {@code GET /jobs} ({@code controls}): a job id too long for an
 * annotation name gets a short form there, which this class does not guess.
 */
public final class ControlKeys {

    /** Suspends every job of the Lease that carries it. */
    public static final String SUSPEND_ALL = "baton.dev/suspend";
    /** Prefix of a one-job suspension: {@code baton.dev/suspend.<job id>=true}. */
    public static final String SUSPEND_PREFIX = SUSPEND_ALL + ".";
    /** Prefix of a run request: {@code baton.dev/run.<job id>=<token>}. */
    public static final String RUN_PREFIX = "baton.dev/run.";

    private static final String DOMAIN = "baton.dev/";
    /** Kubernetes' rule for the name part of an annotation key (after the {@code prefix/}): at most 63 characters. */
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]");

    private ControlKeys() {
    }

    /**
     * True for the annotations operators use to control jobs, and whatever the scheduler writes beside them under
     * the same names (e.g. a request marked done): what the page shows of a Lease's annotations. Nothing else is
     * shown, since other annotations (a job's record aside) are none of the page's business.
     */
    public static boolean isControl(String key) {
        return key.startsWith(SUSPEND_ALL) || key.startsWith("baton.dev/run");
    }

    /** {@code prefix + jobId} when that is a valid annotation key; empty when the id needs the short form. */
    public static Optional<String> plain(String prefix, String jobId) {
        String key = prefix + jobId;
        return isValid(prefix, key) ? Optional.of(key) : Optional.empty();
    }

    /** True when {@code key} starts with {@code prefix} and is a valid annotation key. */
    public static boolean isValid(String prefix, String key) {
        return key != null && key.startsWith(prefix) && key.length() > prefix.length()
                && NAME.matcher(key.substring(DOMAIN.length())).matches();
    }
}
