package dev.baton.scheduling.run;

import dev.baton.scheduling.gate.Overruns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jboss.logging.Logger;

import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.scheduling.gate.Overruns.Overrun;
import dev.baton.scheduling.SingletonRun;
import dev.baton.threads.DaemonThreads;

/**
 * The singleton runs in progress on this replica, each bound to its term: told to stop the moment that term ends,
 * waited for and then stopped by the drain at shutdown, and reported to health when one outlives its term.
 */
final class RunsInProgress {

    private static final Logger LOG = Logger.getLogger(RunsInProgress.class);

    private final Set<Run> running = ConcurrentHashMap.newKeySet();
    private final Set<Term> watchedTerms = ConcurrentHashMap.newKeySet();
    /**
     * Where runs are stopped when their term ends: off the elector's threads, which a job's cancel hook could block.
     * Not shut down by the drain: a run that outlives it must still be told when its term ends.
     */
    private final ExecutorService stops = Executors.newCachedThreadPool(DaemonThreads.named("baton-jobs-stop"));
    private volatile boolean draining;
    /** Completes when the drain begins: wakes a run waiting to retry. */
    private final CompletableFuture<Void> drainStarted = new CompletableFuture<>();

    /**
     * Registers a run and binds it to its term. Done before a run's last checks and its started record, so that a
     * drain beginning meanwhile either waits for the run or is seen by it ({@link #draining()}).
     */
    void add(Run run) {
        running.add(run);
        watch(run.term);
    }

    /** The run has ended (or never began). */
    void remove(Run run) {
        running.remove(run);
    }

    /** True once {@link #drain} began: no run starts any more. */
    boolean draining() {
        return draining;
    }

    /** Completes when {@link #drain} begins. */
    CompletableFuture<Void> drainStarted() {
        return drainStarted;
    }

    /**
     * One listener per term (not per run, which would pile up on a long term): when it ends, every run still bound
     * to it is stopped.
     */
    private void watch(Term term) {
        if (watchedTerms.add(term)) {
            term.ended().thenAcceptAsync(reason -> {
                watchedTerms.remove(term);
                for (Run r : running) {
                    if (r.term == term) {
                        r.stop("its term (epoch " + term.epoch() + ") ended: " + reason);
                    }
                }
            }, stops);
        }
    }

    /**
     * Stops starting runs, waits up to {@code timeout} for the running ones, then stops (interrupts or cancels) those
     * still going and gives them a moment to record their outcome while the term is still held.
     *
     * @return the Leases of runs that ignored being stopped and still go on: they must not be released (a standby
     *         would start at once and overlap with them), only left to expire
     */
    Set<LeaseRef> drain(Duration timeout) {
        draining = true;
        drainStarted.complete(null);
        if (!running.isEmpty()) {
            LOG.infof("Draining %d singleton job run(s) for up to %s", running.size(), timeout);
        }
        awaitIdle(timeout);
        for (Run run : List.copyOf(running)) {
            run.stop("the application is shutting down and the drain timeout (" + timeout + ") passed");
        }
        awaitIdle(Duration.ofSeconds(2));
        Set<LeaseRef> keep = new LinkedHashSet<>();
        for (Run run : List.copyOf(running)) {
            if (keep.add(run.term.lease())) {
                LOG.warnf("Singleton job %s ignored being stopped and still runs; lease %s is not released, standbys "
                        + "take it when it expires", run.spec.id(), run.term.lease());
            }
        }
        return keep;
    }

    private void awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The runs in progress. */
    List<SingletonRun> list() {
        return List.copyOf(running);
    }

    /** Runs still in progress although they were told to stop, longest first. */
    List<Overrun> overruns() {
        long now = System.nanoTime();
        List<Overrun> list = new ArrayList<>();
        for (Run run : running) {
            long since = run.stoppedAtNanos;
            if (since != 0) {
                list.add(new Overrun(run.spec.id(), run.term.lease(), run.term.epoch(), Duration.ofNanos(now - since)));
            }
        }
        list.sort(Comparator.comparing(Overrun::sinceTermEnded).reversed());
        return list;
    }
}
