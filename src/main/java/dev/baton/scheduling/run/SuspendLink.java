package dev.baton.scheduling.run;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.baton.scheduling.RunTrigger;
import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.controls.Suspensions;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.records.RecordWriter;

/**
 * A suspended job does not run: its fires (scheduled or caught up) are skipped with reason {@code suspended}, and a
 * run request is refused, which is recorded (run status and history, {@code REFUSED}) so that the operator sees the
 * answer and the token is used up. Decided on the Lease the elector observes ({@link Suspensions}), right after the
 * gate: only the holder gets here, and it logs each change once.
 *
 * @see SingletonJob
 */
final class SuspendLink implements RunLink {

    private static final Logger LOG = Logger.getLogger(SuspendLink.class);

    private final RunLink next;
    private final Suspensions suspensions;
    private final RecordWriter writer;
    private final String identity;
    private final Clock clock;

    SuspendLink(RunLink next, Suspensions suspensions, RecordWriter writer, String identity, Clock clock) {
        this.next = next;
        this.suspensions = suspensions;
        this.writer = writer;
        this.identity = identity;
        this.clock = clock;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        Map<String, String> annotations = fire.elector.observed().map(s -> s.record().annotations()).orElse(Map.of());
        Optional<String> by = Suspensions.suspendedBy(fire.spec, annotations);
        suspensions.note(fire.spec, fire.elector.lease(), by);
        if (by.isEmpty()) {
            return next.invoke(fire);
        }
        if (fire.manual()) {
            JobRecord refused = new JobRecord(fire.slot, JobRecord.cut(identity, JobRecord.SHORT_REPLICA),
                    fire.term.epoch(), Outcome.REFUSED, 0L, clock.instant(), null, "suspended by " + by.get(),
                    RunTrigger.MANUAL.value, fire.request, null, null, null);
            boolean written = writer.answerRequest(fire.spec, fire.elector, fire.term, refused);
            LOG.infof("Singleton job %s: run request %s refused: the job is suspended (%s)%s", fire.spec.id(),
                    fire.request, by.get(), written ? "" : "; the refusal could not be recorded yet");
        }
        return new NotRun("suspended");
    }
}
