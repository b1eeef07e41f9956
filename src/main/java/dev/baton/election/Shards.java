package dev.baton.election;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Where a spread job lives (issue 19): on one of {@link #COUNT} shard Leases, chosen from its id alone, so that every
 * replica of every release puts it on the same one whatever other jobs exist. The count is a constant, not a setting:
 * two replicas that disagreed on it would contest different Leases for the same job and could both run it.
 * <p>
 * Each shard has three Leases, named after the service Lease: the shard Lease ({@code <service>-shard-07}), which is
 * elected and renewed and carries nothing else; its record Lease ({@code <service>-records-07}), which holds its
 * jobs' records, run statuses and controls, written when runs end and fenced by the shard's term
 * ({@link RecordLease}); and its history Lease ({@code <service>-history-07}), which holds its jobs' histories,
 * written every few minutes and fenced by the same terms ({@link DeferredAnnotations}).
 */
public final class Shards {

    /** Twelve: shared evenly by 2, 3, 4, 6 and 12 replicas, and few enough to renew within the API budget. */
    public static final int COUNT = 12;

    private Shards() {
    }

    /** The shard of a job: the first four bytes of the SHA-256 of its id, unsigned, modulo {@link #COUNT}. */
    public static int of(String jobId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            long first = ((d[0] & 0xffL) << 24) | ((d[1] & 0xffL) << 16) | ((d[2] & 0xffL) << 8) | (d[3] & 0xffL);
            return (int) (first % COUNT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** The shard Lease: elected, renewed every shard retry period, nothing else on it. */
    public static String shardLease(String serviceLease, int shard) {
        return name(serviceLease, "shard", shard);
    }

    /** The shard's record Lease: records, run statuses, histories and controls of its jobs; fenced by its term. */
    public static String recordLease(String serviceLease, int shard) {
        return name(serviceLease, "records", shard);
    }

    /** The shard's history Lease: its jobs' histories, written every few minutes; fenced by its term. */
    public static String historyLease(String serviceLease, int shard) {
        return name(serviceLease, "history", shard);
    }

    /**
     * The shard of {@code lease} when it is one of the service's shard Leases. Anything else (the service Lease, a
     * job's own Lease) is empty, also a name that only looks like one: {@code -shard-12} and above are not shards.
     */
    public static OptionalInt shardOf(String serviceLease, String lease) {
        for (int k = 0; k < COUNT; k++) {
            if (shardLease(serviceLease, k).equals(lease)) {
                return OptionalInt.of(k);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * A shard Lease's timings, slower than the service Lease's: twice its lease duration and renew deadline (30 s and
     * 20 s by default), five times its retry period (10 s), capped so that the deadline stays above 1.2 retry periods.
     * Twelve shards renewed every 10 s are 65 writes a minute; a replica that dies holds its shards' jobs for up to
     * 30 s; one that stops gracefully releases them at once.
     */
    public static ElectionSettings settings(ElectionSettings service, String shardLease) {
        Duration deadline = service.renewDeadline().multipliedBy(2);
        Duration retry = service.retryPeriod().multipliedBy(5);
        Duration most = deadline.multipliedBy(4).dividedBy(5);
        return new ElectionSettings(shardLease, service.identity(), service.leaseDuration().multipliedBy(2), deadline,
                retry.compareTo(most) > 0 ? most : retry);
    }

    private static String name(String serviceLease, String kind, int shard) {
        if (shard < 0 || shard >= COUNT) {
            throw new IllegalArgumentException("shard " + shard + " is not in [0, " + COUNT + ")");
        }
        return String.format(Locale.ROOT, "%s-%s-%02d", serviceLease, kind, shard);
    }
}
