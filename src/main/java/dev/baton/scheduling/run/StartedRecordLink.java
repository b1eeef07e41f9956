package dev.baton.scheduling.run;

import java.time.Clock;

import org.jboss.logging.Logger;

import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.RecordWriter;

/**
 * At most once per slot, for {@code CatchUp#RUN_LATEST} jobs: writes a {@code RUNNING} record of the slot to the
 * Lease before the run, and the run does not happen without it. A leader that crashes mid-run has already recorded
 * the slot, so no later leader runs it again.
 * <p>
 * Once that record has landed the slot runs even if a drain began meanwhile (the run was registered before, so the
 * drain waits for it; skipping would leave a RUNNING record for a slot never run). Only if the term ended meanwhile
 * does it not run, and that is recorded too.
 *
 * @see SingletonJob#catchUp()
 */
final class StartedRecordLink implements RunLink {

    private static final Logger LOG = Logger.getLogger(StartedRecordLink.class);

    private final RunLink next;
    private final String identity;
    private final Clock clock;
    private final RecordWriter writer;
    private final RunEnd end;

    StartedRecordLink(RunLink next, String identity, Clock clock, RecordWriter writer, RunEnd end) {
        this.next = next;
        this.identity = identity;
        this.clock = clock;
        this.writer = writer;
        this.end = end;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        if (!fire.mayBlock) {
            LOG.warnf("Singleton job %s: slot %s not run: catch-up jobs wait for their started record, which cannot "
                    + "be done on the event loop (make the method blocking)", fire.spec.id(), fire.slot);
            return new NotRun("record-not-written");
        }
        JobRecord started = new JobRecord(fire.slot, identity, fire.term.epoch(), Outcome.RUNNING, null,
                clock.instant(), fire.catchUp ? Boolean.TRUE : null, null, fire.trigger.value, null, fire.attempt,
                null, null);
        if (!writer.write(fire.spec, fire.elector, fire.term, started)) {
            LOG.warnf("Singleton job %s: slot %s not run: its started record could not be written to lease %s "
                    + "(a run without it could be repeated by the next leader)", fire.spec.id(), fire.slot,
                    fire.elector.lease());
            return new NotRun("record-not-written");
        }
        if (!fire.run.isValid()) {
            return end.stoppedBeforeItBegan(fire); // the Lease says this slot started: no later leader runs it
        }
        return next.invoke(fire);
    }
}
