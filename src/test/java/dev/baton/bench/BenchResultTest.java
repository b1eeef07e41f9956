package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.baton.bench.Audit.Change;
import dev.baton.bench.Audit.Run;

/** The analysis finds what the failover test fails on: a slot written twice, a stale epoch accepted. */
class BenchResultTest {

    private static final long T = 1_000_000_000_000L;

    @Test
    void aSlotWrittenByTwoReplicasIsADuplicateAndAnOverlap() {
        List<Run> runs = List.of(
                run("a", 1, T, SinkOutcome.ACCEPTED),
                run("a", 1, T + 1000, SinkOutcome.ACCEPTED),
                run("b", 2, T + 1000, SinkOutcome.ACCEPTED),
                run("b", 2, T + 2000, SinkOutcome.ACCEPTED));

        BenchResult.Safety total = analyse(runs, List.of(), List.of()).total();

        assertEquals(3, total.slots());
        assertEquals(1, total.duplicateSlots());
        assertEquals(1, total.overlaps());
        assertEquals(0, total.missedSlots());
    }

    @Test
    void aRunThatFencedItselfIsNeitherADuplicateNorAWrite() {
        List<Run> runs = List.of(
                run("a", 1, T, SinkOutcome.FENCED),
                run("b", 2, T, SinkOutcome.ACCEPTED));

        BenchResult.Safety total = analyse(runs, List.of(), List.of()).total();

        assertEquals(0, total.duplicateSlots());
        assertEquals(1, total.fenced());
    }

    @Test
    void aWriteAcceptedAfterANewerTermBeganIsStaleAndOneRefusedIsNot() {
        List<Run> runs = List.of(run("a", 1, T, SinkOutcome.ACCEPTED), run("b", 2, T + 1000, SinkOutcome.ACCEPTED));
        List<Change> changes = List.of(new Change("a", true, 1, T - 5000, ""), new Change("b", true, 2, T + 500, ""));
        List<FencedSink.Write> writes = List.of(
                new FencedSink.Write(T + 100, "a", 1, T, true),
                new FencedSink.Write(T + 600, "a", 1, T, true),
                new FencedSink.Write(T + 700, "a", 1, T, false));

        BenchResult.Safety total = analyse(runs, changes, writes).total();

        assertEquals(1, total.staleAccepted());
        assertEquals(1, total.rejected());
    }

    @Test
    void aSlotNobodyWroteIsMissed() {
        List<Run> runs = List.of(run("a", 1, T, SinkOutcome.ACCEPTED), run("b", 2, T + 3000, SinkOutcome.ACCEPTED));

        assertEquals(2, analyse(runs, List.of(), List.of()).total().missedSlots());
    }

    private static Run run(String replica, long epoch, long slot, SinkOutcome outcome) {
        return new Run(replica, epoch, slot, slot + 5, slot + 105, outcome, false);
    }

    private static BenchResult.GroupResult analyse(List<Run> runs, List<Change> changes, List<FencedSink.Write> writes) {
        BenchSettings settings = new BenchSettings(Path.of("x.jar"), "", Path.of("target"), 3, 1, 1, 1,
                Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(), List.of(), "", List.of());
        Group.Data data = new Group.Data(Group.Kind.BATON, settings, new Audit(runs, changes), writes, List.of(),
                List.of(), null, T - 10_000, T + 10_000, List.of(), null);
        return BenchResult.of(List.of(data)).groups().get(0);
    }
}
