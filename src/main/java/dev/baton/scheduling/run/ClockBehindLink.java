package dev.baton.scheduling.run;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import dev.baton.scheduling.gate.ClockBehind;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.RecordReader;

/**
 * A record ahead of this replica's clock is a reason not to run, said loudly ({@link ClockBehind}). The record names
 * slot R, later than this replica's now: a leader whose clock was ahead ran R, or this clock is behind, or someone
 * edited it. Whichever it is, this replica cannot tell which slots up to R have run (by the clock that wrote R they
 * are all past), so it runs none of them: it waits until its clock passes R. The other reading, "a record that far
 * ahead must be wrong, ignore it", is the one that ran every slot of the last five minutes a second time when a
 * replica 330 s behind took over. A hand-edited far-future record therefore stops the job until an operator removes
 * it (README: "What ran, in the Lease itself").
 * <p>
 * It skips only what {@link RecordedSlotLink}, next, would skip anyway (a fired slot S with {@code R >= S}: the rule
 * that never re-runs a slot is there, and in {@link RecordReader} believing R), and names the reason: R ahead of
 * this clock is {@value ClockBehind#SKIP_REASON}, said and counted apart from the {@code already-run} of a slot fired
 * late after a handover (R not ahead), which is no news.
 */
final class ClockBehindLink implements RunLink {

    private final RunLink next;
    private final RecordReader records;
    private final Clock clock;
    private final ClockBehind behind;

    ClockBehindLink(RunLink next, RecordReader records, Clock clock, ClockBehind behind) {
        this.next = next;
        this.records = records;
        this.clock = clock;
        this.behind = behind;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        Optional<JobRecord> last = records.believed(fire.spec, fire.term).filter(r -> !r.slot().isBefore(fire.slot));
        Optional<Duration> ahead = last.flatMap(r -> ClockBehind.ahead(r, clock.instant()));
        if (ahead.isPresent()) {
            behind.notRun(fire.spec, fire.elector.lease(), fire.slot, last.get(), ahead.get());
            return new NotRun(ClockBehind.SKIP_REASON);
        }
        behind.passed(fire.spec, fire.slot);
        return next.invoke(fire);
    }
}
