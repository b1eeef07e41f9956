package dev.baton.scheduling.records;

import java.time.Instant;
import java.util.Optional;

import dev.baton.scheduling.SingletonJob.CatchUp;

/**
 * What a new term does about a job's slot missed while no replica led: the catch-up rule as one pure function of
 * the job, its last record and the time ({@link #decide}), so that it can be tested case by case with a fixed clock.
 * Which jobs are asked, and what is done with the answer, is {@code CatchUps}' business.
 *
 * @param verdict what to do
 * @param slot the missed slot; null when nothing was missed
 * @param lastSlot the latest slot the job's record settles ({@link JobRecord#handledThrough()}); null when it has none
 */
public record CatchUpDecision(Verdict verdict, Instant slot, Instant lastSlot) {

    /** The possible answers. */
    public enum Verdict {
        /** No slot is known to be missed: no cron schedule, no record, or no slot after the recorded one. */
        NOTHING_MISSED(null),
        /** {@link CatchUp#SKIP}: the missed slot is logged and counted, not run. */
        SKIP("missed"),
        /** {@link CatchUp#RUN_LATEST}, but the missed slot is older than the job's starting deadline. */
        PAST_DEADLINE("past-deadline"),
        /**
         * The record says a holder saw the job suspended and no holder has seen it resumed since: the missed slot may
         * have fallen into the suspension, and slots that did are not caught up.
         */
        SUSPENDED("suspended"),
        /** {@link CatchUp#RUN_LATEST}: run {@link #slot()} now. */
        RUN(null);

        /** The {@code baton.job.skips} reason, for the verdicts that skip. */
        public final String skipReason;

        Verdict(String skipReason) {
            this.skipReason = skipReason;
        }
    }

    /**
     * @param spec the job
     * @param last its last record as this replica sees it
     * @param now the wall clock when the term began
     */
    public static CatchUpDecision decide(JobSpec spec, Optional<JobRecord> last, Instant now) {
        Instant lastSlot = last.map(JobRecord::handledThrough).orElse(null);
        if (spec.cron().isEmpty()) {
            // 'every' slots count from each replica's own start: a missed one cannot be named across replicas.
            return new CatchUpDecision(Verdict.NOTHING_MISSED, null, lastSlot);
        }
        Optional<Instant> latest = spec.cron().get().latestAtOrBefore(now);
        if (latest.isEmpty() || lastSlot == null || !latest.get().isAfter(lastSlot)) {
            // A job that never ran has nothing to catch up; one whose latest slot is recorded missed nothing.
            return new CatchUpDecision(Verdict.NOTHING_MISSED, null, lastSlot);
        }
        Instant slot = latest.get();
        if (last.get().suspendedSince() != null) {
            return new CatchUpDecision(Verdict.SUSPENDED, slot, lastSlot);
        }
        if (spec.catchUp() == CatchUp.SKIP) {
            return new CatchUpDecision(Verdict.SKIP, slot, lastSlot);
        }
        if (spec.startingDeadline().isPresent() && slot.plus(spec.startingDeadline().get()).isBefore(now)) {
            return new CatchUpDecision(Verdict.PAST_DEADLINE, slot, lastSlot);
        }
        return new CatchUpDecision(Verdict.RUN, slot, lastSlot);
    }
}
