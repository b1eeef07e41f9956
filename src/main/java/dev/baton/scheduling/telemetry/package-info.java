/**
 * What the run chain tells the outside about singleton runs, without knowing who listens: {@link
 * dev.baton.scheduling.telemetry.JobMetrics} (the jobs' Micrometer meters) and {@link
 * dev.baton.scheduling.telemetry.RunListener} (the seam through which tracing follows each run). Not API.
 */
package dev.baton.scheduling.telemetry;
