package dev.baton.scheduling.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.controls.RunRequests;
import dev.baton.scheduling.records.CatchUpDecision.Verdict;
import dev.baton.scheduling.records.JobRecord.Outcome;

/**
 * docs/upgrades.md's format rules, one record at a time: every record says its format, members a newer release added
 * survive this release's rewrites within the 1 KiB bound, a newer format is read for what this release knows, and a
 * record of the release before formats had versions reads as it always did.
 */
class RecordFormatTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant SLOT = Instant.parse("2026-12-07T21:00:00Z");
    static final CronSlots MINUTELY = new CronSlots("0 * * * * ?", "quartz", ZoneOffset.UTC);
    static final JobSpec JOB = new JobSpec("report", "report-lease", CatchUp.RUN_LATEST,
            Optional.of(Duration.ofMinutes(10)), "cron 0 * * * * ?", Optional.of(MINUTELY));

    /** A record as a newer release (format 2) might write it: two members this release does not know. */
    static final String NEWER = "{\"v\":2,\"slot\":\"2026-12-07T21:00:00Z\",\"replica\":\"baton-new\",\"epoch\":12,"
            + "\"outcome\":\"SUCCEEDED\",\"durationMs\":130,\"finishedAt\":\"2026-12-07T21:00:00.130Z\","
            + "\"trigger\":\"schedule\",\"attempt\":1,\"window\":{\"from\":\"2026-12-07T20:59:00Z\",\"runs\":[1,2]},"
            + "\"lastSuccess\":\"2026-12-07T21:00:00Z\"}";

    static ObjectNode tree(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void everyRecordSaysItsFormat() throws Exception {
        JobRecord run = new JobRecord(SLOT, "baton-1", 3, Outcome.SUCCEEDED, 5L, SLOT, null, null);
        assertEquals(1, tree(run.toJson()).get("v").intValue(), "the last record and the run status");
        String history = JobHistory.render(List.of(run.forHistory()));
        assertEquals(1, JSON.readTree(history).get(0).get("v").intValue(), "a history entry");
    }

    @Test
    void aRecordOfThePreviousReleaseWithoutAFormatReadsAsItAlwaysDid() throws Exception {
        // As 2bec759 writes it: no "v".
        String previous = "{\"slot\":\"2026-12-07T21:00:00Z\",\"replica\":\"baton-7f9c\",\"epoch\":12,"
                + "\"outcome\":\"SUCCEEDED\",\"durationMs\":130,\"finishedAt\":\"2026-12-07T21:00:00.130Z\","
                + "\"catchUp\":false,\"trigger\":\"schedule\",\"attempt\":1,"
                + "\"skippedThrough\":\"2026-12-07T21:05:00Z\"}";

        JobRecord read = JobRecord.parse(previous).orElseThrow();

        assertEquals(new JobRecord(SLOT, "baton-7f9c", 12, Outcome.SUCCEEDED, 130L, SLOT.plusMillis(130), false,
                null, "schedule", null, 1, null, SLOT.plusSeconds(300)), read);
        assertEquals(1, read.format());
        assertEquals(Map.of(), read.unknown());
        ObjectNode rewritten = tree(read.toJson());
        rewritten.remove("v");
        assertEquals(tree(previous), rewritten, "written back with the same members, and the format");
    }

    @Test
    void aNewerRecordsMembersSurviveThisReleasesRewriteOfIt() throws Exception {
        JobRecord read = JobRecord.parse(NEWER).orElseThrow();
        assertEquals(2, read.format());
        assertEquals(SLOT, read.slot());
        assertEquals(SLOT, read.handledThrough(), "its slot is settled");

        // This release marks the job suspended: the record is rewritten, the newer members ride along.
        ObjectNode marked = tree(read.withMarks(SLOT.plusSeconds(20), null).toJson());

        assertEquals(tree(NEWER).get("window"), marked.get("window"));
        assertEquals(tree(NEWER).get("lastSuccess"), marked.get("lastSuccess"));
        assertEquals("2026-12-07T21:00:20Z", marked.get("suspendedSince").textValue());
        assertEquals(1, marked.get("v").intValue(), "the format says what its writer knew: this release's");
        JobRecord again = JobRecord.parse(marked.toString()).orElseThrow();
        assertEquals(Verdict.SUSPENDED, CatchUpDecision.decide(JOB, Optional.of(again), SLOT.plusSeconds(120))
                .verdict(), "and the marks mean what they meant");
    }

    @Test
    void theNextRunsRecordCarriesOnTheMembersOfTheRecordItReplaces() throws Exception {
        JobRecord current = JobRecord.parse(NEWER).orElseThrow();
        JobRecord next = new JobRecord(SLOT.plusSeconds(60), "baton-old", 13, Outcome.FAILED, 40L,
                SLOT.plusSeconds(60), null, "java.lang.IllegalStateException: boom", "schedule", null, 1, null, null);

        ObjectNode written = tree(next.withMarksOf(current).toJson());

        assertEquals(tree(NEWER).get("window"), written.get("window"));
        assertEquals(tree(NEWER).get("lastSuccess"), written.get("lastSuccess"));
        assertEquals("FAILED", written.get("outcome").textValue(), "this run's own fields are its own");
        assertEquals("2026-12-07T21:01:00Z", written.get("slot").textValue());
        assertEquals(1, written.get("v").intValue());
    }

    @Test
    void anOutcomeOfANewerReleaseStillUsesItsSlotAndIsWrittenBackAsItWas() throws Exception {
        String newer = NEWER.replace("\"SUCCEEDED\"", "\"DEFERRED\"");

        JobRecord read = JobRecord.parse(newer).orElseThrow(() -> new AssertionError("read as no record"));

        assertEquals(Outcome.UNKNOWN, read.outcome(), "how it ended is not known here");
        assertEquals(SLOT, read.handledThrough(), "the slot it names is settled: never run again");
        assertEquals(Verdict.NOTHING_MISSED, CatchUpDecision.decide(JOB, Optional.of(read), SLOT.plusSeconds(30))
                .verdict());
        assertEquals("DEFERRED", tree(read.withMarks(SLOT, null).toJson()).get("outcome").textValue());
        JobRecord next = new JobRecord(SLOT.plusSeconds(60), "baton-old", 13, Outcome.SUCCEEDED, 4L,
                SLOT.plusSeconds(60), null, null);
        assertEquals("SUCCEEDED", tree(next.withMarksOf(read).toJson()).get("outcome").textValue(),
                "the next run's outcome is its own");
    }

    @Test
    void aRequestANewerReleaseAnsweredStaysAnswered() throws Exception {
        ObjectNode status = tree(NEWER.replace("\"SUCCEEDED\"", "\"DEFERRED\""));
        status.put("trigger", "manual").put("request", "deploy-42");
        Map<String, String> annotations = new HashMap<>();
        annotations.put(JOB.runStatusKey(), status.toString());
        assertTrue(RecordReader.answered(annotations, JOB, "deploy-42"), "by its run status");

        annotations.clear();
        annotations.put(JOB.historyKey(), "[" + status + "]");
        assertTrue(RecordReader.answered(annotations, JOB, "deploy-42"), "by its history");
    }

    @Test
    void historyEntriesOfANewerReleaseAreKeptAsTheyWereWritten() throws Exception {
        Map<String, String> lease = new HashMap<>();
        lease.put(JOB.historyKey(), "[" + NEWER + "]");
        JobRecord run = new JobRecord(SLOT.plusSeconds(60), "baton-old", 13, Outcome.SUCCEEDED, 4L,
                SLOT.plusSeconds(60), null, null);

        JsonNode history = JSON.readTree(JobHistory.with(lease, JOB.historyKey(), run, 10).orElseThrow());

        assertEquals(2, history.size());
        assertEquals(1, history.get(0).get("v").intValue());
        assertEquals(tree(NEWER), history.get(1), "the older entry, format and members, exactly as it was");
    }

    @Test
    void membersWithinTheirShareAreKeptEvenBesideTheLongestRecord() throws Exception {
        Instant t = Instant.parse("2026-12-07T21:00:00.123456789Z");
        Map<String, JsonNode> kept = new LinkedHashMap<>();
        kept.put("zone", new TextNode("z".repeat(20))); // "zone":"z...", 29 characters, and a comma
        kept.put("window", new TextNode("w".repeat(JobRecord.KEPT_CHARS - 30 - "\"window\":\"\"".length())));
        assertEquals(JobRecord.KEPT_CHARS, tree("{}").setAll(kept).toString().length() - 2, "their full share");
        JobRecord longest = new JobRecord(t, "r".repeat(253), Long.MIN_VALUE, Outcome.INTERRUPTED, Long.MIN_VALUE, t,
                Boolean.TRUE, "e\n".repeat(3000), "catch-up", "t".repeat(RunRequests.MAX_TOKEN), Integer.MIN_VALUE, t,
                t, 2, kept);

        String json = longest.toJson();

        assertTrue(json.length() <= JobRecord.MAX_CHARS, json.length() + " characters");
        ObjectNode written = tree(json);
        assertEquals(kept.get("window"), written.get("window"));
        assertEquals(kept.get("zone"), written.get("zone"));
        assertEquals("r".repeat(253), written.get("replica").textValue(), "the error gave way, not the identity");
    }

    @Test
    void membersThatCannotFitAreDroppedLargestFirstAndTheRecordStillFits() throws Exception {
        Map<String, JsonNode> kept = new LinkedHashMap<>();
        kept.put("small", new TextNode("s"));
        kept.put("large", new TextNode("l".repeat(900)));
        JobRecord record = new JobRecord(SLOT, "r".repeat(200), 3, Outcome.FAILED, 5L, SLOT, null, "an error",
                "schedule", null, 1, null, null, 2, kept);

        String json = record.toJson();

        assertTrue(json.length() <= JobRecord.MAX_CHARS, json.length() + " characters");
        JobRecord read = JobRecord.parse(json).orElseThrow();
        assertEquals(Map.of("small", new TextNode("s")), read.unknown(), "only what could not fit was dropped");
        assertEquals(SLOT, read.slot());
    }

    @Test
    void getJobsShowsARecordsFieldsNotItsFormatOrWhatItKept() throws Exception {
        // The REST layer serializes JobRecord with its own mapper: the format and the kept members are the
        // annotation's business only.
        ObjectMapper rest = new ObjectMapper().registerModule(new JavaTimeModule());
        JsonNode shown = rest.valueToTree(JobRecord.parse(NEWER).orElseThrow());
        List<String> names = new java.util.ArrayList<>();
        shown.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("slot", "replica", "epoch", "outcome", "durationMs", "finishedAt", "trigger", "attempt"),
                names);
    }

    @Test
    void whatIsNotARecordStaysUnreadable() {
        for (String json : List.of("{\"v\":\"two\",\"slot\":\"2026-12-07T21:00:00Z\",\"replica\":\"a\","
                + "\"outcome\":\"SUCCEEDED\"}", "{\"v\":0,\"slot\":\"2026-12-07T21:00:00Z\",\"replica\":\"a\","
                        + "\"outcome\":\"SUCCEEDED\"}", "{\"v\":3,\"replica\":\"a\",\"outcome\":\"SUCCEEDED\"}",
                "[1,2]", "{\"v\":3,\"slot\":\"today\",\"replica\":\"a\",\"outcome\":\"SUCCEEDED\"}")) {
            assertEquals(Optional.empty(), JobRecord.parse(json), json);
        }
    }
}
