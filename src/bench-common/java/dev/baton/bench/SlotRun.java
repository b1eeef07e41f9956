package dev.baton.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One run of the benchmark job for one slot, the same for every gate (Baton, fabric8's elector, none): work for a
 * while, check the term is still valid, write through the fenced sink with the epoch, audit the run.
 */
public final class SlotRun {

    private final String replica;
    private final Duration work;
    private final AuditLog audit;
    private final Optional<FencedSinkClient> sink;

    public SlotRun(String replica, Duration work, AuditLog audit, Optional<FencedSinkClient> sink) {
        this.replica = replica;
        this.work = work;
        this.audit = audit;
        this.sink = sink;
    }

    /**
     * @param slot the slot's instant, epoch milliseconds (the trigger's scheduled fire time)
     * @param epoch the fencing token of the term the run belongs to
     * @param stillValid asked just before the write; false means the term ended during the work
     * @param catchUp whether this run fills a slot missed while no replica led
     */
    public void run(long slot, long epoch, BooleanSupplier stillValid, boolean catchUp) {
        long start = System.currentTimeMillis();
        SinkOutcome outcome;
        try {
            Thread.sleep(work.toMillis());
            if (!stillValid.getAsBoolean()) {
                outcome = SinkOutcome.FENCED;
            } else {
                outcome = sink.map(s -> s.write(replica, epoch, slot)).orElse(SinkOutcome.NONE);
            }
        } catch (InterruptedException e) {
            // Told that the term ended: the write must not happen.
            Thread.currentThread().interrupt();
            outcome = SinkOutcome.FENCED;
        }
        audit.run(replica, epoch, slot, start, System.currentTimeMillis(), outcome, catchUp);
    }
}
