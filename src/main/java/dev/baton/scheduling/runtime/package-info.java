/**
 * The scheduling CDI glue: {@link dev.baton.scheduling.runtime.JobManager} finds and checks the jobs at start-up,
 * starts their Leases and connects term starts and shutdown to the runner; {@code JobDiscovery} reads the
 * {@code @Scheduled} declarations; {@code SingletonJobInterceptor} hands each fire to the run chain;
 * {@link dev.baton.scheduling.runtime.GracefulHandover} orders the shutdown; {@link dev.baton.scheduling.runtime.JobsConfig}
 * is {@code baton.jobs.*}. Not API.
 */
package dev.baton.scheduling.runtime;
