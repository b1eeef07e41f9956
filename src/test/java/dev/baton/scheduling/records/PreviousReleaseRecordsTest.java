package dev.baton.scheduling.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.records.CatchUpDecision.Verdict;
import dev.baton.scheduling.records.JobRecord.Outcome;

/**
 * docs/upgrades.md's promise, tested against the real previous release's rules: a record, a history and a run
 * status written by this release, read and written back by the previous release (the commit named in
 * {@code src/bench/previous-release.txt}), still tell this release everything it needs never to run a recorded slot
 * or an answered run request again.
 * <p>
 * The previous release reads these annotations into its {@code JobRecord}, a Java record read by Jackson with
 * unknown properties ignored, and writes that record back: what survives its rewrite is exactly the fields its
 * {@code JobRecord} declares, which this test reads from that commit's source ({@code git show}). Skipped, saying
 * why, where the clone lacks the commit (a shallow clone) or git.
 */
class PreviousReleaseRecordsTest {

    static final Path NAMED_IN = Path.of("src/bench/previous-release.txt");
    /** Where {@code JobRecord} lived in each layout so far. */
    static final List<String> RECORD_PATHS = List.of("src/main/java/dev/baton/scheduling/records/JobRecord.java",
            "src/main/java/dev/baton/scheduling/JobRecord.java");
    static final ObjectMapper JSON = new ObjectMapper();
    static final CronSlots MINUTELY = new CronSlots("0 * * * * ?", "quartz", ZoneOffset.UTC);
    static final JobSpec JOB = new JobSpec("report", "report-lease", CatchUp.RUN_LATEST,
            Optional.of(Duration.ofMinutes(10)), "cron 0 * * * * ?", Optional.of(MINUTELY));
    static final Instant SLOT = Instant.parse("2026-12-07T21:00:00Z");

    /** The fields the previous release's {@code JobRecord} declares, in order. */
    static List<String> previousFields;
    static String previousCommit;

    @BeforeAll
    static void readThePreviousReleasesRecord() throws Exception {
        previousCommit = Files.readAllLines(NAMED_IN).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst().orElseThrow();
        String source = null;
        for (String path : RECORD_PATHS) {
            source = git("show", previousCommit + ":" + path);
            if (source != null) {
                break;
            }
        }
        Assumptions.assumeTrue(source != null, "the previous release " + previousCommit + " (named in " + NAMED_IN
                + ") is not in this clone (shallow?) or git is missing: its rules cannot be read");
        Matcher m = Pattern.compile("public record JobRecord\\(([^)]*)\\)", Pattern.DOTALL).matcher(source);
        assertTrue(m.find(), "the previous release's JobRecord is a record: " + previousCommit);
        previousFields = new ArrayList<>();
        for (String component : m.group(1).split(",")) {
            String[] words = component.trim().split("\\s+");
            previousFields.add(words[words.length - 1]);
        }
    }

    @Test
    void aSlotRecordedByThisReleaseIsNotRunAgainAfterThePreviousOneRewroteItsRecord() throws Exception {
        // A run of 21:00, and a suspension that skipped the slots up to 21:05: neither may run again.
        JobRecord written = new JobRecord(SLOT, "baton-7f9c", 12, Outcome.SUCCEEDED, 130L, SLOT.plusMillis(130), false,
                null, "schedule", null, 1, null, SLOT.plusSeconds(300));

        JobRecord read = rewrittenByPrevious(written.toJson());

        assertEquals(written.slot(), read.slot());
        assertEquals(written.epoch(), read.epoch());
        assertEquals(written.handledThrough(), read.handledThrough(), "the slots a suspension skipped stay skipped");
        for (Instant now : List.of(SLOT.plusSeconds(30), SLOT.plusSeconds(300), SLOT.plusSeconds(330))) {
            assertEquals(Verdict.NOTHING_MISSED, CatchUpDecision.decide(JOB, Optional.of(read), now).verdict(),
                    "a new term at " + now + " runs no slot up to the recorded ones");
        }
    }

    @Test
    void aSuspensionMarkSurvivesSoThatNoNewTermCatchesUpIntoTheSuspension() throws Exception {
        JobRecord written = new JobRecord(SLOT, "baton-7f9c", 12, Outcome.SUCCEEDED, 130L, SLOT.plusMillis(130), false,
                null, "schedule", null, null, SLOT.plusSeconds(20), null);

        JobRecord read = rewrittenByPrevious(written.toJson());

        assertEquals(Verdict.SUSPENDED, CatchUpDecision.decide(JOB, Optional.of(read), SLOT.plusSeconds(120))
                .verdict());
    }

    @Test
    void anAnsweredRunRequestStaysAnsweredInTheRunStatusAndTheHistory() throws Exception {
        JobRecord run = new JobRecord(SLOT.plusSeconds(17), "baton-7f9c", 12, Outcome.SUCCEEDED, 40L,
                SLOT.plusSeconds(17), false, null, "manual", "deploy-42", 1, null, null);
        Map<String, String> annotations = new HashMap<>();
        annotations.put(JOB.runStatusKey(), rewrittenByPrevious(run.toJson()).toJson());
        annotations.put(JOB.historyKey(), historyRewrittenByPrevious(JobHistory.render(List.of(run.forHistory()))));

        assertTrue(RecordReader.answered(annotations, JOB, "deploy-42"), "the run status answers the token");
        annotations.remove(JOB.runStatusKey());
        assertTrue(RecordReader.answered(annotations, JOB, "deploy-42"), "so does the history alone");
    }

    /** What this release reads back after the previous release read {@code json} and wrote it again. */
    static JobRecord rewrittenByPrevious(String json) throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(json);
        keepOnly(node, Set.copyOf(previousFields));
        return JobRecord.parse(JSON.writeValueAsString(node)).orElseThrow(() -> new AssertionError(
                "this release cannot read the record the previous release wrote back: " + node));
    }

    static String historyRewrittenByPrevious(String json) throws IOException {
        ArrayNode entries = (ArrayNode) JSON.readTree(json);
        entries.forEach(e -> keepOnly((ObjectNode) e, Set.copyOf(previousFields)));
        return JSON.writeValueAsString(entries);
    }

    private static void keepOnly(ObjectNode node, Set<String> fields) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            if (!fields.contains(names.next())) {
                names.remove();
            }
        }
    }

    /** {@code git args...} in this clone: its output, or null when it fails. */
    static String git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException noGit) {
            return null;
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            return null;
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
