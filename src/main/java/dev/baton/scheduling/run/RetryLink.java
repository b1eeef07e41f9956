package dev.baton.scheduling.run;

import dev.baton.scheduling.telemetry.JobMetrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobRecord.Outcome;

/**
 * {@code @SingletonJob(retries = N, retryBackoff = "10s")}: a run that failed (threw, or ran past its timeout) is
 * tried again on the holder, within the same slot, after the backoff, doubled before each further attempt. Each
 * attempt is a run of its own, bound to the term and recorded with its number ({@code attempt}) by the links below.
 * <p>
 * Never after the term ended: the wait ends the moment the term does (or the application drains), and an attempt
 * starts only inside the term the fire began in (a run interrupted by the end of its term is not retried here at
 * all). Never into the next slot: no attempt starts, and no wait ends, at or after the job's next slot, so retries
 * never overlap or delay it. Only for blocking methods, whose thread is the run's to keep (checked at start-up).
 */
final class RetryLink implements RunLink {

    private static final Logger LOG = Logger.getLogger(RetryLink.class);
    /** Doubling stops here, so the wait cannot overflow; the next slot bounds it long before. */
    private static final int MAX_DOUBLINGS = 20;

    private final RunLink next;
    private final RunsInProgress runs;
    private final Clock clock;
    private final JobMetrics metrics;

    RetryLink(RunLink next, RunsInProgress runs, Clock clock, JobMetrics metrics) {
        this.next = next;
        this.runs = runs;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        JobOptions options = fire.spec.options();
        while (true) {
            Object result;
            Exception failure;
            try {
                result = next.invoke(fire);
                if (fire.run.outcome != Outcome.TIMED_OUT) {
                    return result; // it succeeded (or was stopped by its term, or is async: the links below own it)
                }
                failure = null; // ran past its timeout, swallowed the interrupt and returned
            } catch (Exception e) {
                if (fire.run.outcome != Outcome.FAILED && fire.run.outcome != Outcome.TIMED_OUT) {
                    throw e; // interrupted by the end of its term or the drain: not a failure of the job
                }
                result = null;
                failure = e;
            }
            if (fire.attempt > options.retries()) {
                return giveUp(failure, result);
            }
            Duration wait = options.retryBackoff().multipliedBy(1L << Math.min(fire.attempt - 1, MAX_DOUBLINGS));
            String whyNot = whyNotRetry(fire, wait);
            if (whyNot == null) {
                whyNot = await(fire, wait);
            }
            if (whyNot == null) {
                whyNot = whyNotRetry(fire, Duration.ZERO); // the clock moved while waiting
            }
            if (whyNot != null) {
                LOG.infof("Singleton job %s: slot %s not retried after attempt %d (%s)", fire.spec.id(), fire.slot,
                        fire.attempt, whyNot);
                return giveUp(failure, result);
            }
            fire.attempt++;
            metrics.retried(fire.spec);
            LOG.infof("Singleton job %s: slot %s, attempt %d of %d after %s", fire.spec.id(), fire.slot,
                    fire.attempt, options.retries() + 1, wait);
            BindToTermLink.bind(fire, runs);
            if (runs.draining() || !fire.run.isValid()) { // a drain or the term's end may have come meanwhile
                BindToTermLink.unbind(fire.run, fire.mayBlock, runs);
                return giveUp(failure, result);
            }
        }
    }

    /** Why no attempt may start {@code wait} from now, or null when one may. */
    private String whyNotRetry(Fire fire, Duration wait) {
        if (!fire.term.isValid()) {
            return "its term (epoch " + fire.term.epoch() + ") ended";
        }
        if (runs.draining()) {
            return "the application is shutting down";
        }
        Optional<Instant> nextSlot = fire.spec.nextSlotAfter(fire.slot);
        Instant at = clock.instant().plus(wait);
        if (nextSlot.isPresent() && !at.isBefore(nextSlot.get())) {
            return "the next slot, " + nextSlot.get() + ", is due before the next attempt";
        }
        return null;
    }

    /** Waits {@code wait}, or less if the term ends or the drain begins; null when the whole wait passed. */
    private String await(Fire fire, Duration wait) {
        CompletableFuture<Object> cut = CompletableFuture.anyOf(fire.term.ended().toCompletableFuture(),
                runs.drainStarted());
        try {
            cut.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            return fire.term.isValid() ? "the application is shutting down"
                    : "its term (epoch " + fire.term.epoch() + ") ended";
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while waiting to retry";
        } catch (Exception e) {
            return "the wait failed: " + e;
        }
    }

    private static Object giveUp(Exception failure, Object result) throws Exception {
        if (failure != null) {
            throw failure;
        }
        return result;
    }
}
