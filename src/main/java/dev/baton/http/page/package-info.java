/**
 * The status page ({@code GET /baton}) and, in {@code quarkus:dev}, its job controls. Not API.
 */
package dev.baton.http.page;
