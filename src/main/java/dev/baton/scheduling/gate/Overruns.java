package dev.baton.scheduling.gate;

import java.time.Duration;
import java.util.List;

import dev.baton.LeaseRef;

/**
 * What the job gate tells health about singleton runs that outlive their term. Implemented by the gate; read by
 * the liveness check, which goes DOWN when a run ignores being told its term ended for much too long.
 */
public interface Overruns {

    /** Runs still in progress although their term ended, oldest first. */
    List<Overrun> overruns();

    /**
     * A run that is still going after its term ended.
     *
     * @param job the job's identity
     * @param lease the Lease of the term, as namespace/name
     * @param epoch the ended term's epoch
     * @param sinceTermEnded how long ago, on the monotonic clock, the term ended
     */
    record Overrun(String job, LeaseRef lease, long epoch, Duration sinceTermEnded) {
    }
}
