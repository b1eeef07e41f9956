package dev.baton.bench;

/**
 * One disruption of the leader and the takeover that followed, times in epoch milliseconds.
 *
 * @param disruptedAt when the harness sent the signal or cut the proxy
 * @param stoppedAt when the old leader stopped leading: its own "lost" record for a graceful stop, else
 *        {@code disruptedAt} (a killed, frozen or cut-off leader cannot say)
 * @param lastRenewalAt the last Lease write by the old leader the harness's watch saw before the disruption
 * @param newLeaderAt when the harness's Lease watch saw another replica hold the Lease (its own record if the watch
 *        missed it); -1 if none within the bound
 */
record Handover(Scenario scenario, int cycle, String oldLeader, String newLeader, long disruptedAt, long stoppedAt,
        long lastRenewalAt, long newLeaderAt) {

    boolean tookOver() {
        return newLeaderAt > 0;
    }

    /** The leaderless gap: from the old leader's stop (or its disruption) to a new holder of the Lease. */
    long gapMs() {
        return newLeaderAt - stoppedAt;
    }

    /** From the signal or cut to a new holder: for a graceful stop, includes the old leader's own shutdown. */
    long sinceDisruptionMs() {
        return newLeaderAt - disruptedAt;
    }

    long sinceLastRenewalMs() {
        return newLeaderAt - lastRenewalAt;
    }
}
