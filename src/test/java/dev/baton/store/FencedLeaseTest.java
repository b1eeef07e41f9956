package dev.baton.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The fence of a record Lease (issue 19): a term names itself before it acts, and from then on a write by an earlier
 * term does not land, whatever the interleaving; a write of the same term survives an operator's edit in between.
 */
class FencedLeaseTest {

    final LeaseStore store = new InMemoryLeaseStore("ns");

    @Test
    void aFenceCreatesTheLeaseNamingTheTermAndAWriteLandsUnderIt() {
        FencedLease records = new FencedLease(store, "records-00");

        LeaseSnapshot fenced = records.fence("a", 3).orElseThrow();
        assertEquals("a", fenced.record().holderIdentity());
        assertEquals(3, FencedLease.epochOf(fenced.record()));

        assertEquals(FencedLease.Outcome.WRITTEN, records.write("a", 3, m -> put(m, "baton.dev/job.x", "r1")));
        LeaseRecord now = store.get("records-00").orElseThrow().record();
        assertEquals("r1", now.annotation("baton.dev/job.x"));
        assertEquals(3, FencedLease.epochOf(now));
    }

    @Test
    void aDeposedTermsWriteIsRefusedByTheStoreAndNotRetriedOverTheSuccessor() {
        FencedLease old = new FencedLease(store, "records-00");
        old.fence("a", 3).orElseThrow();
        old.write("a", 3, m -> put(m, "baton.dev/job.x", "slot-1"));

        // The successor fences and reads every record written before its fence.
        FencedLease successor = new FencedLease(store, "records-00");
        LeaseSnapshot seen = successor.fence("b", 4).orElseThrow();
        assertEquals("slot-1", seen.record().annotation("baton.dev/job.x"));

        // The old term's late write, from its version before the fence: refused (409), and on reading again it
        // finds the later epoch and drops its change.
        assertEquals(FencedLease.Outcome.DEPOSED, old.write("a", 3, m -> put(m, "baton.dev/job.x", "slot-2")));
        LeaseRecord now = store.get("records-00").orElseThrow().record();
        assertEquals("slot-1", now.annotation("baton.dev/job.x"));
        assertEquals("b", now.holderIdentity());
        assertEquals(4, FencedLease.epochOf(now));
        // Nor can it fence again: its epoch is behind.
        assertTrue(new FencedLease(store, "records-00").fence("a", 3).isEmpty());
    }

    @Test
    void aWriteOfTheSameTermIsReappliedOverAnOperatorsEditAndKeepsIt() {
        FencedLease records = new FencedLease(store, "records-00");
        records.fence("a", 3).orElseThrow();
        // kubectl annotate between two writes of the holder: its cached version is stale now.
        LeaseSnapshot current = store.get("records-00").orElseThrow();
        store.update(current, new LeaseRecord(current.record().holderIdentity(), null, current.record().acquireTime(),
                current.record().renewTime(), current.record().leaseTransitions(),
                put(new java.util.HashMap<>(current.record().annotations()), "baton.dev/suspend.x", "true")))
                .orElseThrow();

        assertEquals(FencedLease.Outcome.WRITTEN, records.write("a", 3, m -> put(m, "baton.dev/job.x", "r1")));
        LeaseRecord now = store.get("records-00").orElseThrow().record();
        assertEquals("r1", now.annotation("baton.dev/job.x"));
        assertEquals("true", now.annotation("baton.dev/suspend.x"));
    }

    @Test
    void nothingIsWrittenBeforeAFence() {
        FencedLease records = new FencedLease(store, "records-00");
        boolean refused = false;
        try {
            records.write("a", 1, m -> m);
        } catch (IllegalStateException e) {
            refused = true;
        }
        assertTrue(refused);
        assertFalse(store.get("records-00").isPresent());
        assertNull(records.lastSeen().orElse(null));
    }

    private static Map<String, String> put(Map<String, String> m, String k, String v) {
        m.put(k, v);
        return m;
    }
}
