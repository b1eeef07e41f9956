/**
 * {@code GET /jobs}: the jobs of this replica as JSON, for operators and the status page. Not API (an HTTP surface,
 * not Java types).
 */
package dev.baton.http;
