package dev.baton.bench;

/**
 * One disruption of the leader and the takeover that followed, times in epoch milliseconds.
 *
 * @param disruptedAt when the harness sent the signal or cut the proxy
 * @param stoppedAt when the old leader stopped leading: its own "lost" record for a graceful stop, else
 *        {@code disruptedAt} (a killed, frozen or cut-off leader cannot say)
 * @param lastRenewalAt the last Lease write by the old leader the harness's watch saw before the disruption
 * @param newLeaderAt when the new leader's term began, by its own record; -1 if none within the bound
 */
record Handover(Scenario scenario, int cycle, String oldLeader, String newLeader, long disruptedAt, long stoppedAt,
        long lastRenewalAt, long newLeaderAt) {

    boolean tookOver() {
        return newLeaderAt > 0;
    }

    /** The leaderless gap. */
    long gapMs() {
        return newLeaderAt - stoppedAt;
    }

    long sinceLastRenewalMs() {
        return newLeaderAt - lastRenewalAt;
    }
}
