package dev.baton.scheduling.run;

import java.util.Optional;

import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.RecordReader;

/**
 * A slot recorded in the Lease never runs again: the record, written by whichever leader ran it, names this slot or
 * a later one. Also when this replica's scheduler fires that slot late after a handover. Only records this replica
 * can believe count ({@link RecordReader#believed}). A slot that fell into a suspension is settled the same way
 * ({@link JobRecord#skippedThrough()}): resuming a job does not run the slots it missed while suspended.
 */
final class RecordedSlotLink implements RunLink {

    private final RunLink next;
    private final RecordReader records;

    RecordedSlotLink(RunLink next, RecordReader records) {
        this.next = next;
        this.records = records;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        Optional<JobRecord> last = records.believed(fire.spec, fire.term);
        if (last.isPresent() && !last.get().slot().isBefore(fire.slot)) {
            return new NotRun("already-run");
        }
        if (last.isPresent() && !last.get().handledThrough().isBefore(fire.slot)) {
            return new NotRun("suspended");
        }
        return next.invoke(fire);
    }
}
