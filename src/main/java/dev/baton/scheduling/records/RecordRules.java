package dev.baton.scheduling.records;

import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a write may replace in a job's Lease, as pure functions of the annotations about to be written, so that
 * {@link RecordWriter} decides on the very version it writes and tests decide by calling one method.
 */
final class RecordRules {

    private RecordRules() {
    }

    /**
     * Why {@code record} must not be written over {@code annotations} (the Lease's, as about to be written) inside a
     * term of {@code epoch}, or null when it may. Two rules:
     * <ol>
     * <li>Never back to an older slot: when two runs overlapped and the older one finished last, the newer slot is
     * what guards against reruns; and a slot ahead of this replica's clock stays (see {@link RecordReader}). Only a
     * record no leader wrote ({@link RecordReader#believable}) does not count.</li>
     * <li>The bound: a Lease carries at most {@code maxRecords} records of this application's jobs (1 KiB each, well
     * under the 256 KiB Kubernetes allows for all annotations). A job already recorded may always update its own.</li>
     * </ol>
     */
    static String refusal(Map<String, String> annotations, String key, JobRecord record, long epoch,
            int maxRecords, Predicate<String> isJobOfThisApp) {
        String older = olderSlot(annotations, key, record, epoch);
        return older != null ? older : overBound(annotations, key, JobRecord.PREFIX, maxRecords, isJobOfThisApp);
    }

    static String olderSlot(Map<String, String> annotations, String key, JobRecord record, long epoch) {
        Optional<JobRecord> current = believed(annotations, key, epoch);
        if (current.isPresent() && current.get().slot().isAfter(record.slot())) {
            return "slot " + current.get().slot() + " is already recorded";
        }
        return null;
    }

    /** The bound of {@link #refusal}, for the annotations of one kind ({@code prefix}). */
    static String overBound(Map<String, String> annotations, String key, String prefix, int maxRecords,
            Predicate<String> isJobOfThisApp) {
        long others = annotations.keySet().stream().filter(k -> k.startsWith(prefix) && !k.equals(key)
                && isJobOfThisApp.test(k.substring(prefix.length()))).count();
        if (!annotations.containsKey(key) && others >= maxRecords) {
            return "the Lease already carries " + others + " " + (prefix.equals(JobRecord.PREFIX) ? "job records"
                    : "annotations " + prefix + "*") + " (baton.jobs.max-records)";
        }
        return null;
    }

    static Optional<JobRecord> believed(Map<String, String> annotations, String key, long epoch) {
        return JobRecord.parse(annotations.get(key)).filter(r -> RecordReader.believable(r, epoch));
    }

    /**
     * Why the run request {@code token} of {@code spec} must not be claimed (or refused) over {@code annotations},
     * or null when it may: the Lease must still ask for that token, and no holder may have claimed or answered it
     * (its run status, or its history, names it). So a token runs at most once, whoever holds the Lease.
     */
    static String requestRefusal(Map<String, String> annotations, JobSpec spec, String token) {
        if (!token.equals(annotations.get(spec.runKey()))) {
            return "the Lease no longer asks for " + token;
        }
        if (RecordReader.answered(annotations, spec, token)) {
            return "request " + token + " was claimed already";
        }
        return null;
    }
}
