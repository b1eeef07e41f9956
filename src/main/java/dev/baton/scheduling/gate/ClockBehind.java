package dev.baton.scheduling.gate;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import dev.baton.LeaseRef;
import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobSpec;

/**
 * No silent pause: what {@code ClockBehindLink} tells people when a job's record is ahead of this replica's clock.
 * The first slot not run for a given record starts a streak and is logged once (a WARN when the record is further
 * ahead than {@code baton.jobs.max-clock-skew}, with how far, this replica's measured offset and the kubectl line
 * that clears a hand-edited record; DEBUG within that tolerance, where two good clocks around a handover may
 * disagree by a few hundred milliseconds); the first fire that passes again ends it, with an INFO saying how many
 * slots were not run. Every slot not run is counted by the caller ({@code baton.job.skips{reason="clock-behind"}}).
 */
public final class ClockBehind {

    public static final String SKIP_REASON = "clock-behind";

    private static final Logger LOG = Logger.getLogger(ClockBehind.class);

    /** A run of fires not run for one record. */
    private record Streak(Instant recorded, int notRun, boolean warned) {
    }

    private final ClockSkew skew;
    private final Map<String, Streak> streaks = new ConcurrentHashMap<>();

    /** @param skew this replica's clock offset (for the message) and the tolerance */
    public ClockBehind(ClockSkew skew) {
        this.skew = skew;
    }

    /** How far {@code record}'s slot is ahead of {@code now}; empty when it is not. */
    public static Optional<Duration> ahead(JobRecord record, Instant now) {
        return record.slot().isAfter(now) ? Optional.of(Duration.between(now, record.slot())) : Optional.empty();
    }

    /** {@code slot} of {@code spec} was not run: its record, on {@code lease}, is {@code ahead} of this clock. */
    public void notRun(JobSpec spec, LeaseRef lease, Instant slot, JobRecord record, Duration ahead) {
        streaks.compute(spec.id(), (id, streak) -> {
            if (streak != null && streak.recorded().equals(record.slot())) {
                return new Streak(streak.recorded(), streak.notRun() + 1, streak.warned());
            }
            boolean warn = ahead.compareTo(skew.maxSkew()) > 0;
            String message = String.format(Locale.ROOT, "Singleton job %s: slot %s not run, nor any slot up to %s: the "
                    + "Lease's record names that slot, %s ahead of this replica's clock, so this clock is at least "
                    + "that far behind the one that ran it (this replica's offset from the cluster: %s). The job "
                    + "runs here again once this clock passes that slot. If no replica's clock is that far ahead "
                    + "('clock' in each replica's GET /jobs), the record was edited by hand; clear it with: kubectl "
                    + "-n %s annotate lease %s %s-", id, slot, record.slot(), seconds(ahead), skew.describe(),
                    lease.namespace(), lease.name(), spec.recordKey());
            if (warn) {
                LOG.warn(message);
            } else {
                LOG.debug(message);
            }
            return new Streak(record.slot(), 1, warn);
        });
    }

    /** A fire of {@code spec} for {@code slot} got past the record: a streak, if any, ends. */
    public void passed(JobSpec spec, Instant slot) {
        Streak ended = streaks.remove(spec.id());
        if (ended != null && ended.warned()) {
            LOG.infof("Singleton job %s: this replica's clock has reached its record (slot %s): from slot %s on it "
                    + "runs here again; %d slot(s) were not run while the record was ahead", spec.id(), ended.recorded(),
                    slot, ended.notRun());
        }
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
