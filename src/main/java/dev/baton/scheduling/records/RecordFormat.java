package dev.baton.scheduling.records;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.baton.scheduling.records.JobRecord.Outcome;

/**
 * How a {@link JobRecord} (the last record, a run status, a history entry) is written into and read from an
 * annotation, across releases (docs/upgrades.md, "How the formats evolve"):
 * <ul>
 * <li>every record says the format its writer knew, {@code "v"}: {@link #VERSION} here; a record without it was
 * written by a release before formats had versions, and reads as version 1, which is the same fields;</li>
 * <li>members this release does not know are kept ({@link JobRecord#unknown()}), in the order read, and written
 * back when this release rewrites the record (its suspension marks) or replaces it with the next run's record, so
 * that what a newer release added survives a replica of this one leading in between;</li>
 * <li>a record of a newer format is read for the fields this release knows, never taken for absent: an outcome this
 * release does not know reads as {@link Outcome#UNKNOWN} (the slot or token is used up, how it ended is not known
 * here) and is written back as it was.</li>
 * </ul>
 */
final class RecordFormat {

    /** The format this release writes: the fields of {@link JobRecord}, as the release before versions wrote them. */
    static final int VERSION = 1;

    /** The member that carries the format. */
    static final String VERSION_FIELD = "v";

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final String OUTCOME = "outcome";

    /** The members this release reads: the record's fields as written, and the format. */
    static final Set<String> KNOWN = Stream.concat(Stream.of(VERSION_FIELD),
            Arrays.stream(JobRecord.class.getRecordComponents()).map(RecordComponent::getName)
                    .filter(n -> !n.equals("format") && !n.equals("unknown")))
            .collect(Collectors.toUnmodifiableSet());

    private static final Set<String> OUTCOMES = Arrays.stream(Outcome.values()).map(Enum::name)
            .collect(Collectors.toUnmodifiableSet());

    private RecordFormat() {
    }

    /**
     * Reads one record from {@code node}; empty for anything that is not one (not an object, no slot, replica or
     * outcome, a known field of the wrong type, a format that is not a whole number from 1).
     */
    static Optional<JobRecord> read(JsonNode node) {
        if (!(node instanceof ObjectNode)) {
            return Optional.empty();
        }
        ObjectNode known = ((ObjectNode) node).deepCopy();
        JsonNode v = known.remove(VERSION_FIELD);
        int format = v == null || v.isNull() ? 1 : v.canConvertToInt() && v.isIntegralNumber() ? v.intValue() : 0;
        if (format < 1) {
            return Optional.empty();
        }
        Map<String, JsonNode> unknown = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> members = known.fields(); members.hasNext();) {
            Map.Entry<String, JsonNode> member = members.next();
            if (!KNOWN.contains(member.getKey())) {
                unknown.put(member.getKey(), member.getValue());
                members.remove();
            }
        }
        JsonNode outcome = known.get(OUTCOME);
        if (outcome != null && outcome.isTextual() && !OUTCOMES.contains(outcome.textValue())) {
            // A newer release's outcome: the run happened (its slot or token is used up), this release cannot say
            // how it ended. Read as UNKNOWN rather than as no record, which would run the slot again.
            unknown.put(OUTCOME, outcome);
            known.put(OUTCOME, Outcome.UNKNOWN.name());
        }
        try {
            JobRecord r = JSON.treeToValue(known, JobRecord.class);
            if (r.slot() == null || r.replica() == null || r.outcome() == null) {
                return Optional.empty();
            }
            return Optional.of(r.inFormat(format, unknown));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * The members written for {@code record}: the format this release writes, the record's fields, then the members
     * it kept without knowing them (an outcome it could not read as it was written). A kept member never overrides a
     * field this release wrote.
     */
    static ObjectNode write(JobRecord record) {
        ObjectNode node = JSON.createObjectNode();
        node.put(VERSION_FIELD, VERSION);
        node.setAll((ObjectNode) JSON.valueToTree(record));
        record.unknown().forEach((name, value) -> {
            boolean asWritten = name.equals(OUTCOME) && record.outcome() == Outcome.UNKNOWN;
            if (asWritten || !node.has(name)) {
                node.set(name, value);
            }
        });
        return node;
    }

    /** The members of {@code unknown} that belong to no known field: what a record replacing it carries on. */
    static Map<String, JsonNode> carried(Map<String, JsonNode> unknown) {
        Map<String, JsonNode> carried = new LinkedHashMap<>(unknown);
        carried.keySet().removeAll(KNOWN);
        return carried;
    }
}
