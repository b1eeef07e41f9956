package dev.baton.scheduling.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

import dev.baton.election.AnnotationDeferral;
import dev.baton.election.LeaderElector;
import dev.baton.election.LeaseSpreading;
import dev.baton.election.Shards;
import dev.baton.runtime.Elections;
import dev.baton.scheduling.gate.ClockSkew;
import dev.baton.scheduling.records.ControlKeys;

/**
 * The electors of the jobs' Leases: started one per spread step, so that replicas starting together take them in
 * turns; never taking one while this replica's clock is off ({@link ClockSkew}) nor once the application stops;
 * looked up without creating any.
 */
final class JobLeases {

    private final Elections elections;
    private final String serviceLease;
    private final JobsConfig config;
    private final ClockSkew skew;
    private final Map<String, LeaderElector> started = new ConcurrentHashMap<>();
    /** Set first thing at shutdown: no job Lease is taken from then on. */
    private volatile boolean stopping;
    /** Evens out the shards of spread jobs among the replicas; null without spread jobs. */
    private volatile ShardBalancer balancer;

    /** The spread jobs' histories wait for their shard's history Lease (issue 19). */
    private final AnnotationDeferral histories;

    JobLeases(Elections elections, String serviceLease, JobsConfig config, ClockSkew skew) {
        this.elections = elections;
        this.serviceLease = serviceLease;
        this.config = config;
        this.skew = skew;
        if (config.spreadHistoryInterval().isNegative()) {
            throw new IllegalStateException("Invalid configuration baton.jobs.spread-history-interval: "
                    + config.spreadHistoryInterval() + " is negative; use 0s (with every batch of records) or more "
                    + "(default 10m)");
        }
        String historyPrefix = ControlKeys.prefix(ControlKeys.HISTORY);
        this.histories = new AnnotationDeferral(key -> key.startsWith(historyPrefix), config.spreadHistoryInterval());
    }

    /**
     * Starts the electors of {@code jobLeases} one per spread step; {@code jobsOn} says how many jobs each carries,
     * which the shard balancer evens out.
     */
    void start(Set<String> jobLeases, ToIntFunction<String> jobsOn) {
        List<String> leases = new ArrayList<>(jobLeases);
        leases.sort(null);
        if (leases.isEmpty()) {
            return;
        }
        LeaseSpreading.startOneByOne(leases, config.spreadStep().multipliedBy(4), lease -> {
            if (!stopping) {
                // Spread over replicas, never taken by a replica whose clock is off (ClockSkew), nor once the
                // application stops: stopTaking() cannot reach an elector started after it looked.
                started.put(lease, elections.forLease(lease, skew.guarding(LeaseSpreading.pausePerLeaseHeld(
                        () -> held(jobLeases), config.spreadStep())).refusingWhile(() -> stopping), histories));
            }
        });
        if (leases.stream().anyMatch(this::isShard)) {
            balancer = new ShardBalancer(elections.identity(), this::shardElectors, elections.store(),
                    lease -> Optional.ofNullable(started.get(lease)).flatMap(LeaderElector::recordLease), jobsOn);
            balancer.start();
        }
    }

    private boolean isShard(String lease) {
        return Shards.shardOf(serviceLease, lease).isPresent();
    }

    /** The electors of the shards of spread jobs started so far. */
    private Map<String, LeaderElector> shardElectors() {
        Map<String, LeaderElector> shards = new HashMap<>();
        started.forEach((lease, e) -> {
            if (isShard(lease)) {
                shards.put(lease, e);
            }
        });
        return shards;
    }

    private int held(Set<String> jobLeases) {
        return (int) started.entrySet().stream().filter(e -> jobLeases.contains(e.getKey()) && e.getValue().isLeader())
                .count();
    }

    /**
     * No Lease is taken from here on, neither a job Lease nor the service Lease (a standby stopping while its leader
     * hands over must not take over only to hand over in turn).
     */
    void stopTaking() {
        // The flag also reaches an elector that the staggered start creates after this loop has run.
        stopping = true;
        if (balancer != null) {
            balancer.stop(); // no shard asked for or handed over while the application stops
        }
        started.values().forEach(LeaderElector::stopAcquiring);
        elections.existing(serviceLease).ifPresent(LeaderElector::stopAcquiring);
    }

    /** The elector of the Lease {@code leaseName}, or null while it has not started. Never creates one. */
    LeaderElector elector(String leaseName) {
        if (leaseName.equals(serviceLease)) {
            LeaderElector e = started.get(leaseName);
            if (e == null) {
                e = elections.existing(leaseName).orElse(null);
                if (e != null) {
                    started.put(leaseName, e);
                }
            }
            return e;
        }
        return started.get(leaseName);
    }
}
