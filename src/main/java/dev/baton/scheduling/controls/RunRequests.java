package dev.baton.scheduling.controls;

import java.util.regex.Pattern;

/**
 * The rules of run requests ({@code kubectl annotate lease <lease> baton.dev/run.<job>=<token>}), as pure functions
 * of the Lease's annotations: which tokens are well-formed, and which were claimed or answered already. A token is any
 * word an operator picks (a timestamp, a ticket number, a UUID); it names the request in the run's record, and runs
 * at most once: the holder claims it in the Lease before the run ({@code RequestClaimLink}).
 */
public final class RunRequests {

    /** The longest token: it is copied into the run status and every history entry of the run. */
    public static final int MAX_TOKEN = 64;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.:+=@/]{0," + (MAX_TOKEN - 1) + "}");

    private RunRequests() {
    }

    /** True for a token that may be run: 1 to 64 letters, digits and {@code - _ . : + = @ /}, no spaces or quotes. */
    static boolean wellFormed(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }

    /** Why {@code token} is not run, for the log line, or null when it is well-formed. */
    static String whyMalformed(String token) {
        if (token == null || token.isEmpty()) {
            return "it is empty";
        }
        if (token.length() > MAX_TOKEN) {
            return "it is " + token.length() + " characters, more than the " + MAX_TOKEN + " a token may have";
        }
        return wellFormed(token) ? null
                : "a token is letters, digits and - _ . : + = @ /, starting with a letter or digit";
    }
}
