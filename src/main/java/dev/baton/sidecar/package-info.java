/**
 * The sidecar mode of {@code registry.k8s.io/leader-elector}: the leader's name over HTTP and in a file. Not API.
 */
package dev.baton.sidecar;
