package dev.baton.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import dev.baton.election.ElectionSettings;
import dev.baton.election.LeaderElector;
import dev.baton.store.LeaseSnapshot;

/**
 * Tells whether an elector's thread still makes progress, the way client-go's health adaptor asks whether the
 * leader still renews, extended to standbys.
 * <p>
 * Signs of progress are the start of an acquire or renew attempt ({@link LeaderElector#lastAttemptNanos()}) and a
 * newly processed Lease ({@link LeaderElector#observed()} replaced; watch events and reads both go through the
 * elector's thread). A leader attempts every retry period; a standby that polls, every retry period; a standby
 * with a watch sees each renewal of the leader, and attempts itself when the Lease expires; after failures the
 * backoff is at most the lease duration. So, with {@code J = 1.2} (the jitter factor):
 *
 * <pre>
 * wedgedAfter = J x max(lease-duration, holder's leaseDurationSeconds)   longest legitimate wait between signs
 *             + 5 x request-timeout                                      one round: renew PUT, GET, PUT or POST,
 *                                                                        and the Event's GET and POST
 *             + renew-deadline                                           margin: pauses, observers on the thread
 * </pre>
 *
 * With the defaults (15 s, 10 s, 2 s, a 5 s request timeout) that is 18 + 25 + 10 = 53 s; with the embedded
 * store the request term is zero. The retry period does not appear: it is below the lease duration by
 * construction, so the first term covers it.
 */
@Singleton
public class ElectorProgress {

    private final Map<LeaderElector, Seen> seen = new ConcurrentHashMap<>();

    private record Seen(LeaseSnapshot snapshot, long atNanos) {
    }

    /** Time since the last sign of progress, as of {@code nowNanos} (this process's monotonic clock). */
    Duration sinceLastProgress(LeaderElector elector, long nowNanos) {
        LeaseSnapshot current = elector.observed().orElse(null);
        Seen last = seen.compute(elector,
                (e, before) -> before == null || before.snapshot() != current ? new Seen(current, nowNanos) : before);
        long attempt = elector.lastAttemptNanos();
        long latest = attempt - last.atNanos() > 0 ? attempt : last.atNanos();
        return Duration.ofNanos(Math.max(0, nowNanos - latest));
    }

    /** The threshold for {@code elector}, by the formula above, given the client's request timeout. */
    static Duration wedgedAfter(LeaderElector elector, Duration clientRequestTimeout) {
        Duration holders = elector.observed()
                .map(s -> s.record().leaseDurationSeconds())
                .filter(seconds -> seconds != null && seconds > 0)
                .map(Duration::ofSeconds)
                .orElse(Duration.ZERO);
        Duration requestTimeout = elector.store().embedded() ? Duration.ZERO : clientRequestTimeout;
        return wedgedAfter(elector.settings(), holders, requestTimeout);
    }

    static Duration wedgedAfter(ElectionSettings settings, Duration holdersLeaseDuration, Duration requestTimeout) {
        Duration longestWait = settings.leaseDuration().compareTo(holdersLeaseDuration) >= 0
                ? settings.leaseDuration()
                : holdersLeaseDuration;
        return Duration.ofNanos((long) (ElectionSettings.JITTER * longestWait.toNanos()))
                .plus(requestTimeout.multipliedBy(5))
                .plus(settings.renewDeadline());
    }
}
