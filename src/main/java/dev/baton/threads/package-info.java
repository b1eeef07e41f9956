/**
 * Named daemon threads for Baton's own executors, shared by the store, the election, the jobs and the service glue.
 * Not API.
 */
package dev.baton.threads;
