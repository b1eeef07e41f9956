/**
 * Baton's SmallRye Health checks: readiness carrying the election's state, liveness failing only for what a restart
 * cures (a stuck elector, a run overrunning its term). Not API.
 */
package dev.baton.health;
