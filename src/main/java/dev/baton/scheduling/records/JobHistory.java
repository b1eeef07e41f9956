package dev.baton.scheduling.records;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A job's last runs, newest first, kept in its Lease as annotation {@code baton.dev/history.<job id>}: a JSON array
 * of {@link JobRecord#forHistory() history entries}. Written by the holder in the same conditional write as the
 * run's final record, so it survives handovers as the record does; the slot-once rules never read it. A spread job's
 * history is the exception: it waits for its shard's history Lease, written every few minutes
 * ({@code election.DeferredAnnotations}), so its tokens of answered run requests are also kept beside the run status
 * ({@link AnsweredRequests}).
 * <p>
 * Bounded so that no number of jobs brings a Lease near the 256 KiB Kubernetes allows for all of an object's
 * annotations (keys and values): at most {@code baton.jobs.history} entries per job, at most
 * {@link #MAX_CHARS_PER_JOB} characters per job, at most {@link #LEASE_BUDGET} characters for the histories of all
 * jobs of the Lease (each job gets an equal share of it), and never past {@link #LEASE_TOTAL} for all the Lease's
 * annotations together. History is the part that gives way: records, run statuses and other people's annotations
 * come first, and oldest entries are dropped (down to none) to fit.
 * <p>
 * Entries already there are written back as they were read, members and format included, whichever release wrote
 * them: adding an entry rewrites none of the others (docs/upgrades.md).
 */
public final class JobHistory {

    /** At most this many bytes of history per job. */
    public static final int MAX_CHARS_PER_JOB = 4 * 1024;
    /** At most this many bytes for the histories (keys and values) of all jobs of one Lease. */
    static final int LEASE_BUDGET = 64 * 1024;
    /** History is not written where it would take the Lease's annotations (keys and values) past this. */
    static final int LEASE_TOTAL = 128 * 1024;
    /** The greatest {@code baton.jobs.history}. */
    public static final int MAX_ENTRIES = 100;

    private JobHistory() {
    }

    /**
     * Reads an annotation value; empty for none. Entries that are not job records are dropped; a value that is not a
     * JSON array of them at all reads as empty (the caller reports it), and is replaced at the next write.
     */
    public static List<JobRecord> parse(String json) {
        List<JobRecord> entries = new ArrayList<>();
        for (JsonNode node : entries(json)) {
            RecordFormat.read(node).ifPresent(entries::add);
        }
        return entries;
    }

    /** The entries of {@code json} that read as job records, as they were written; see {@link #parse}. */
    private static List<JsonNode> entries(String json) {
        if (json == null || json.isBlank() || json.length() > MAX_CHARS_PER_JOB) {
            return List.of();
        }
        try {
            List<JsonNode> nodes = RecordFormat.JSON.readValue(json, new TypeReference<List<JsonNode>>() {
            });
            List<JsonNode> entries = new ArrayList<>();
            for (JsonNode node : nodes) {
                if (node.toString().length() <= JobRecord.MAX_CHARS && RecordFormat.read(node).isPresent()) {
                    entries.add(node);
                }
            }
            return entries;
        } catch (Exception e) {
            return List.of();
        }
    }

    /** True when {@code json} is present but is not a readable history. */
    static boolean unreadable(String json) {
        if (json == null) {
            return false;
        }
        if (json.length() > MAX_CHARS_PER_JOB) {
            return true;
        }
        try {
            RecordFormat.JSON.readValue(json, new TypeReference<List<JsonNode>>() {
            });
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    static String render(List<JobRecord> entries) {
        return renderAsWritten(entries.stream().map(e -> (JsonNode) RecordFormat.write(e)).toList());
    }

    private static String renderAsWritten(List<JsonNode> entries) {
        try {
            return RecordFormat.JSON.writeValueAsString(entries);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write a job history", e);
        }
    }

    /**
     * The history annotation of {@code key} once {@code entry} is added in front of what {@code annotations} (the
     * Lease's, about to be written) carry: the newest {@code maxEntries} entries that fit the bounds above. Empty when
     * history is off ({@code maxEntries} 0) or nothing fits: then an existing value is removed (null in the map of
     * changes), as it no longer fits either.
     */
    static Optional<String> with(Map<String, String> annotations, String key, JobRecord entry, int maxEntries) {
        if (maxEntries <= 0) {
            return Optional.empty();
        }
        List<JsonNode> entries = new ArrayList<>();
        entries.add(RecordFormat.write(entry.forHistory()));
        entries.addAll(entries(annotations.get(key)));
        while (entries.size() > maxEntries) {
            entries.remove(entries.size() - 1);
        }
        int cap = capacity(annotations, key);
        String value = renderAsWritten(entries);
        while (!entries.isEmpty() && bytes(value) > cap) {
            entries.remove(entries.size() - 1);
            value = renderAsWritten(entries);
        }
        return entries.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** How many bytes the value of {@code key} may take in the Lease whose annotations are {@code annotations}. */
    static int capacity(Map<String, String> annotations, String key) {
        String historyPrefix = ControlKeys.prefix(ControlKeys.HISTORY);
        long otherHistories = 0;
        long everythingElse = 0;
        int histories = 1;
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            if (e.getKey().equals(key)) {
                continue;
            }
            long size = bytes(e.getKey()) + bytes(e.getValue());
            everythingElse += size;
            if (e.getKey().startsWith(historyPrefix)) {
                otherHistories += size;
                histories++;
            }
        }
        long keySize = bytes(key);
        long cap = Math.min(MAX_CHARS_PER_JOB, LEASE_BUDGET / histories - keySize);
        cap = Math.min(cap, LEASE_BUDGET - otherHistories - keySize);
        cap = Math.min(cap, LEASE_TOTAL - everythingElse - keySize);
        return (int) Math.max(0, cap);
    }

    /** What Kubernetes counts: bytes of UTF-8. */
    static long bytes(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
