package dev.baton.scheduling.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import org.jboss.logging.Logger;

import dev.baton.Term;
import dev.baton.election.LeaderElector;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.threads.DaemonThreads;

/**
 * Evens out the jobs of the spread jobs' shards among the replicas (issue 19), which taking free shards at start-up
 * does not: a replica that starts a few seconds before the others takes most of them, and one that joins later finds
 * none free. Shards are weighed by their jobs (the hash puts 9 to 22 of 200 jobs on a shard), so that equal numbers
 * of shards do not hide unequal work. Once a second, on each replica:
 * <ul>
 * <li><b>Asking.</b> A replica asks the busiest holder (most jobs) for one of its shards when taking it leaves both
 * below that holder's load now: the shard that evens the two out best. It names itself in an annotation
 * ({@value #WANTED_BY}) on that shard's record Lease (one conditional write); it asks again once it was answered (it
 * holds more jobs), or after a while if nothing came of it. Every move lowers the busier of the two, so the moves
 * end.</li>
 * <li><b>Giving.</b> A holder that sees such a request on a shard it holds, from another replica, while it holds at
 * least two shards, clears the request and releases that shard: its term ends first (its runs are told to stop),
 * then the Lease is released, so the asker, watching, takes it at once. A holder never gives its last shard.</li>
 * </ul>
 * A move is a release and a take like any other: no slot twice (the shard's term ended before the release; the taker
 * fences the record Lease before it acts), and the shares end where no single move would lower the busiest of two.
 */
final class ShardBalancer {

    private static final Logger LOG = Logger.getLogger(ShardBalancer.class);

    /** On a shard's record Lease: the identity of a replica that asks its holder for the shard. */
    static final String WANTED_BY = "baton.dev/wanted-by";

    /** How long an asker waits for a request to be answered before asking again (it may be stale). */
    private static final Duration ASK_AGAIN_AFTER = Duration.ofSeconds(10);

    private final String identity;
    private final Supplier<Map<String, LeaderElector>> shards;
    private final LeaseStore store;
    private final Function<String, Optional<String>> recordLeaseOf;
    private final ToIntFunction<String> jobsOn;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("baton-shard-balancer"));
    private volatile boolean stopped;
    private long askedAtNanos;
    /** How many jobs this replica held when it last asked: holding more, it was answered and may ask again. */
    private int loadWhenAsked;

    /**
     * @param shards the electors of the shard Leases with jobs, by Lease name
     * @param recordLeaseOf a shard Lease's record Lease
     * @param jobsOn how many jobs a shard Lease carries (every replica runs the same jobs, so all weigh alike)
     */
    ShardBalancer(String identity, Supplier<Map<String, LeaderElector>> shards, LeaseStore store,
            Function<String, Optional<String>> recordLeaseOf, ToIntFunction<String> jobsOn) {
        this.identity = identity;
        this.shards = shards;
        this.store = store;
        this.recordLeaseOf = recordLeaseOf;
        this.jobsOn = lease -> Math.max(1, jobsOn.applyAsInt(lease));
    }

    void start() {
        timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** No more asking or giving (the application stops). */
    void stop() {
        stopped = true;
        timer.shutdownNow();
    }

    private void tick() {
        if (stopped) {
            return;
        }
        try {
            Map<String, LeaderElector> all = shards.get();
            give(all);
            ask(all);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Shard balancing: %s", e.getMessage());
        }
    }

    private void give(Map<String, LeaderElector> all) {
        List<LeaderElector> mine = all.values().stream().filter(LeaderElector::isLeader).toList();
        if (mine.size() < 2) {
            return;
        }
        for (LeaderElector e : mine) {
            String asker = e.observed().map(s -> s.record().annotation(WANTED_BY)).orElse(null);
            Optional<Term> term = e.currentTerm();
            if (asker != null && !asker.equals(identity) && term.isPresent()) {
                LOG.infof("Lease %s: %s asked for it and this replica holds %d shards; handing it over", e.lease(),
                        asker, mine.size());
                Map<String, String> clear = new HashMap<>();
                clear.put(WANTED_BY, null);
                e.updateAnnotations(term.get(), clear).join();
                e.releaseNow();
                return; // one a tick: the counts change
            }
        }
    }

    private void ask(Map<String, LeaderElector> all) {
        Map<String, Integer> load = new HashMap<>();
        Map<String, List<String>> shardsOf = new HashMap<>();
        for (Map.Entry<String, LeaderElector> s : all.entrySet()) {
            Optional<String> holder = s.getValue().isLeader() ? Optional.of(identity) : s.getValue().holder();
            holder.ifPresent(h -> {
                load.merge(h, jobsOn.applyAsInt(s.getKey()), Integer::sum);
                shardsOf.computeIfAbsent(h, k -> new ArrayList<>()).add(s.getKey());
            });
        }
        int mine = load.getOrDefault(identity, 0);
        Optional<Map.Entry<String, Integer>> busiest = load.entrySet().stream()
                .filter(h -> !h.getKey().equals(identity)).max(Map.Entry.comparingByValue());
        boolean waiting = askedAtNanos != 0 && mine <= loadWhenAsked
                && System.nanoTime() - askedAtNanos < ASK_AGAIN_AFTER.toNanos();
        if (busiest.isEmpty() || waiting || shardsOf.get(busiest.get().getKey()).size() < 2) {
            return; // a holder never gives its last shard
        }
        int theirs = busiest.get().getValue();
        // The shard that leaves the busier of the two lowest, if taking it leaves both below that holder's load now.
        Optional<String> shard = shardsOf.get(busiest.get().getKey()).stream()
                .filter(s -> mine + jobsOn.applyAsInt(s) < theirs)
                .min(Comparator.comparingInt(s -> Math.max(mine + jobsOn.applyAsInt(s),
                        theirs - jobsOn.applyAsInt(s))));
        if (shard.isEmpty()) {
            return;
        }
        Optional<String> records = recordLeaseOf.apply(shard.get());
        if (records.isEmpty() || !annotate(records.get())) {
            return;
        }
        askedAtNanos = System.nanoTime();
        loadWhenAsked = mine;
        LOG.infof("Lease %s (%d jobs): asked %s, which holds %d jobs (this replica %d), to hand it over", shard.get(),
                jobsOn.applyAsInt(shard.get()), busiest.get().getKey(), theirs, mine);
    }

    /** Names this replica in {@value #WANTED_BY} on the record Lease, by a conditional write; false if not written. */
    private boolean annotate(String recordLease) {
        Optional<LeaseSnapshot> read = store.get(recordLease);
        if (read.isEmpty()) {
            return false;
        }
        LeaseRecord r = read.get().record();
        Map<String, String> annotations = new HashMap<>(r.annotations());
        annotations.put(WANTED_BY, identity);
        return store.update(read.get(), new LeaseRecord(r.holderIdentity(), r.leaseDurationSeconds(),
                r.acquireTime(), r.renewTime(), r.leaseTransitions(), annotations)).isPresent();
    }
}
