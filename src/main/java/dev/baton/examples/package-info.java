/**
 * Example jobs to copy, one of each kind: a singleton on the service-wide Lease ({@link
 * dev.baton.examples.ClusterSummaryJob}), a singleton with its own Lease and catch-up ({@link
 * dev.baton.examples.MinuteReportJob}) and a per-replica job ({@link dev.baton.examples.ReplicaHeartbeatJob}). They
 * use Baton's public API only ({@code Leadership} and the events in {@code dev.baton}; {@code @SingletonJob},
 * {@code LeaderOnly} and {@code SingletonRun} in {@code dev.baton.scheduling}), never the election's internals.
 * <p>
 * They are not part of the product: each is {@code @IfBuildProperty(name = "baton.examples.enabled", stringValue =
 * "true")}, so a build without that switch (the default, e.g. {@code ./mvnw package}) removes their beans, jobs and
 * Leases; {@code ./mvnw quarkus:dev} turns it on ({@code %dev} in application.properties). See {@link
 * dev.baton.examples.ExamplesConfig}.
 */
package dev.baton.examples;
