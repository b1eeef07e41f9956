/**
 * Whether this replica may run a job's fire now, decided from memory without a call:
 * {@link dev.baton.scheduling.gate.JobGate} (a valid term, not draining, not a sidecar, not suspended),
 * {@link dev.baton.scheduling.gate.ClockSkew} (this clock provably off the cluster's) and
 * {@link dev.baton.scheduling.gate.ClockBehind} (a record ahead of this clock). Read by the {@code LeaderOnly}
 * predicate and the first links of the run chain. Not API.
 */
package dev.baton.scheduling.gate;
