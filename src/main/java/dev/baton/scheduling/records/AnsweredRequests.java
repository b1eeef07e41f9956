package dev.baton.scheduling.records;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;

/**
 * The tokens of the run requests a job's holder answered before the one its run status names
 * ({@code baton.dev/answered.<id>}, a JSON array of strings, newest first), kept beside the run status where the
 * history is written late: a spread job's history waits minutes for its shard's history Lease, and a holder that dies
 * meanwhile loses it, so the history alone can no longer tell that a token ran once the run status names a later
 * one. Written in the same conditional write as the run status that replaces the token, so the two never disagree.
 */
final class AnsweredRequests {

    /** As many tokens as a history keeps entries by default. */
    static final int MAX_TOKENS = 10;
    /** At most this many characters in all: a token is an operator's text. */
    static final int MAX_CHARS = 1024;

    private AnsweredRequests() {
    }

    /** The tokens in {@code json}; none for an absent or unreadable value. */
    static List<String> parse(String json) {
        if (json == null || json.isBlank() || json.length() > MAX_CHARS) {
            return List.of();
        }
        try {
            return RecordFormat.JSON.readValue(json, new TypeReference<List<String>>() {
            });
        } catch (Exception e) {
            return List.of();
        }
    }

    /**
     * Adds to {@code changes} what {@code spec}'s answered requests become when the run status in {@code annotations}
     * is replaced by one naming {@code token}: its former token in front. Nothing when it names none or the same one.
     */
    static void keepReplaced(Map<String, String> annotations, Map<String, String> changes, JobSpec spec,
            String token) {
        Optional<String> replaced = JobRecord.parse(annotations.get(spec.runStatusKey())).map(JobRecord::request)
                .filter(t -> !t.equals(token));
        if (replaced.isEmpty()) {
            return;
        }
        List<String> tokens = new ArrayList<>();
        tokens.add(replaced.get());
        parse(annotations.get(spec.answeredKey())).stream().filter(t -> !t.equals(replaced.get()))
                .forEach(tokens::add);
        while (tokens.size() > MAX_TOKENS) {
            tokens.remove(tokens.size() - 1);
        }
        String value = render(tokens);
        while (value.length() > MAX_CHARS && tokens.size() > 1) {
            tokens.remove(tokens.size() - 1);
            value = render(tokens);
        }
        if (value.length() <= MAX_CHARS) {
            changes.put(spec.answeredKey(), value);
        }
    }

    private static String render(List<String> tokens) {
        try {
            return RecordFormat.JSON.writeValueAsString(tokens);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot write answered requests", e);
        }
    }
}
