/**
 * What Baton keeps of its jobs in their Lease, and the rules for it: the annotation keys
 * ({@link dev.baton.scheduling.records.ControlKeys}), a job's description ({@link dev.baton.scheduling.records.JobSpec},
 * {@link dev.baton.scheduling.records.JobOptions}), its record and history ({@link dev.baton.scheduling.records.JobRecord},
 * {@code JobHistory}), reading them ({@code RecordReader}: which are believed) and writing them ({@code RecordWriter}:
 * on the elector's thread, conditional, within the bounds and rules of {@code RecordRules}), and the catch-up rule that reads them
 * ({@link dev.baton.scheduling.records.CatchUpDecision}). A new Lease layout (a new annotation, a new record field)
 * starts here. Not API.
 */
package dev.baton.scheduling.records;
