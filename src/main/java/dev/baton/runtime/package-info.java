/**
 * The service's CDI glue, kept out of the election core: {@link dev.baton.runtime.BatonMain} (the entry point) and
 * {@link dev.baton.runtime.Elections} (configuration checks, the store's choice, starting the electors, the
 * {@code Leadership} bean, the events, and shutdown). Not API: applications inject {@code dev.baton.Leadership} and
 * observe the events of {@code dev.baton}.
 */
package dev.baton.runtime;
