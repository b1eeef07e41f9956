/**
 * What operators write on a job's Lease, and the holder's reaction: suspension ({@code Suspensions},
 * {@code baton.dev/suspend[.<job>]}) and run requests ({@code RunRequests}, {@code baton.dev/run.<job>}), looked at by
 * {@link dev.baton.scheduling.controls.LeaseControls} in the Lease the elector already observes. A new control is a
 * key in {@code records.ControlKeys}, its rule here, and its reaction in {@code LeaseControls}. Not API.
 */
package dev.baton.scheduling.controls;
