package dev.baton.scheduling.run;

import java.time.Clock;

import org.jboss.logging.Logger;

import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.RecordWriter;

/**
 * A run request's token runs at most once, also across a handover or a crash after the run began: before the run,
 * the holder claims the token in the Lease (its run status says {@code RUNNING}, with the token), in a conditional
 * write that also checks the request still asks for that token and that no one claimed it yet; the run does not
 * happen without it. A later holder reads the claim and does not run the token again. As
 * {@link StartedRecordLink} for a slot, after the run was bound to its term, so that a drain beginning meanwhile
 * either waits for it or is seen.
 */
final class RequestClaimLink implements RunLink {

    private static final Logger LOG = Logger.getLogger(RequestClaimLink.class);

    private final RunLink next;
    private final String identity;
    private final Clock clock;
    private final RecordWriter writer;
    private final RunEnd end;

    RequestClaimLink(RunLink next, String identity, Clock clock, RecordWriter writer, RunEnd end) {
        this.next = next;
        this.identity = identity;
        this.clock = clock;
        this.writer = writer;
        this.end = end;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            return new NotRun("request-not-claimed"); // requests are run from Baton's own threads, never from here
        }
        JobRecord claim = new JobRecord(fire.slot, JobRecord.cut(identity, JobRecord.SHORT_REPLICA),
                fire.term.epoch(), Outcome.RUNNING, null, clock.instant(), null, null, RunTrigger.MANUAL.value,
                fire.request, null, null, null);
        if (!writer.claimRequest(fire.spec, fire.elector, fire.term, claim)) {
            LOG.debugf("Singleton job %s: run request %s not claimed (answered already, withdrawn, or the write "
                    + "failed); not run", fire.spec.id(), fire.request);
            return new NotRun("request-not-claimed");
        }
        LOG.infof("Singleton job %s: running on request %s (epoch %d)", fire.spec.id(), fire.request,
                fire.term.epoch());
        if (!fire.run.isValid()) {
            return end.stoppedBeforeItBegan(fire); // the claim landed: the token is used up
        }
        return next.invoke(fire);
    }
}
