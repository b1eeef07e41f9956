package dev.baton.scheduling.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;

/**
 * A replica of this release leading a Lease whose record and history a newer release wrote (docs/upgrades.md): the
 * slot the newer record names is not run again, though its outcome is one this release does not know, and what the
 * newer release added to its record and history outlives this release's next run.
 */
class NewerFormatRecordsTest extends ApiServerReplicas {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Format 2, as a newer release might write it: an outcome and a member this release does not know. */
    static final String NEWER = "{\"v\":2,\"slot\":\"2026-01-01T10:00:00Z\",\"replica\":\"baton-new\",\"epoch\":0,"
            + "\"outcome\":\"DEFERRED\",\"finishedAt\":\"2026-01-01T10:00:00.200Z\",\"trigger\":\"schedule\","
            + "\"window\":{\"from\":\"2026-01-01T09:59:00Z\",\"runs\":[1,2]}}";

    @Test
    void aNewerReleasesSlotIsNotRunAgainAndWhatItAddedOutlivesTheNextRun() throws Exception {
        String lease = lease("newer");
        RunnerReplica a = replica("a");
        JobSpec tick = JobSpec.of("tick", lease);
        a.register(tick, ran, null);
        a.elect(lease);
        awaitLeader(List.of(a), lease);
        annotate(lease, m -> {
            m.put(tick.recordKey(), NEWER);
            m.put(tick.historyKey(), "[" + NEWER + "]");
            return m;
        });
        awaitObserved(a, lease, m -> NEWER.equals(m.get(tick.recordKey())));

        a.fire(tick, at("10:00:00"), ran);
        assertEquals(List.of(), ran, "the slot the newer release recorded is not run again");

        a.fire(tick, at("10:00:10"), ran);
        assertEquals(1, ran.size(), "the next slot runs: " + ran);
        awaitRecordIn(lease, tick, r -> r.slot().equals(at("10:00:10")));
        JsonNode record = JSON.readTree(annotationsOf(lease).get(tick.recordKey()));
        assertEquals(JSON.readTree(NEWER).get("window"), record.get("window"), "carried into the next record");
        assertEquals("SUCCEEDED", record.get("outcome").textValue());
        assertEquals(1, record.get("v").intValue(), "written by this release, in its format");
        JsonNode history = JSON.readTree(annotationsOf(lease).get(tick.historyKey()));
        assertEquals(2, history.size(), "this run's entry and the newer one: " + history);
        assertEquals(JSON.readTree(NEWER), history.get(1), "the newer release's entry, exactly as it wrote it");
        assertTrue(JobRecord.parse(history.get(0).toString()).isPresent());
    }
}
