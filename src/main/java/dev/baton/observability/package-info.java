/**
 * Metrics of the election and the clock, and the pod role labeller. Reads the election through its observer; the
 * election does not know it. Not API.
 */
package dev.baton.observability;
