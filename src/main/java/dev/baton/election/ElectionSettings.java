package dev.baton.election;

import java.time.Duration;

/**
 * The validated timing and identity of one election. Built once at start-up; a value that could let two replicas
 * act at once fails there, naming the configuration key, instead of surfacing as a split brain later.
 *
 * @param leaseName the Lease's name
 * @param identity the holder identity written to the Lease
 * @param leaseDuration how long a standby waits after the last observed change before taking the Lease
 * @param renewDeadline how long the leader acts without a successful renewal before stepping down
 * @param retryPeriod the renewal (and, without a watch, polling) period; up to 20% jitter is added
 */
public record ElectionSettings(String leaseName, String identity, Duration leaseDuration, Duration renewDeadline,
        Duration retryPeriod) {

    /** client-go's JitterFactor: a renewal may come up to 20% later than the retry period. */
    public static final double JITTER = 1.2;

    /** Thrown for an invalid setting; the message names the configuration key. */
    public static final class InvalidSettingException extends IllegalArgumentException {
        InvalidSettingException(String message) {
            super(message);
        }
    }

    public ElectionSettings {
        require(leaseName != null && leaseName.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?"),
                "baton.lease-name", "'" + leaseName + "' is not a valid Lease name (lower-case DNS subdomain, e.g. worker-election)");
        require(identity != null && !identity.isBlank(), "baton.identity", "must not be empty (set POD_NAME or baton.identity)");
        require(positive(leaseDuration), "baton.lease-duration", "must be positive, was " + leaseDuration);
        require(positive(renewDeadline), "baton.renew-deadline", "must be positive, was " + renewDeadline);
        require(positive(retryPeriod), "baton.retry-period", "must be positive, was " + retryPeriod);
        require(leaseDuration.toSeconds() >= 1 && leaseDuration.toMillis() % 1000 == 0, "baton.lease-duration",
                "must be whole seconds (the Lease stores leaseDurationSeconds), was " + leaseDuration);
        require(leaseDuration.compareTo(renewDeadline) > 0, "baton.lease-duration",
                "(" + leaseDuration + ") must be greater than baton.renew-deadline (" + renewDeadline
                        + "): the leader must step down before a standby may judge the lease expired");
        require(renewDeadline.toNanos() > JITTER * retryPeriod.toNanos(), "baton.renew-deadline",
                "(" + renewDeadline + ") must be greater than " + JITTER + " x baton.retry-period (" + retryPeriod
                        + "), or a single jittered renewal could miss it");
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String key, String message) {
        if (!ok) {
            throw new InvalidSettingException("Invalid configuration " + key + ": " + message);
        }
    }
}
