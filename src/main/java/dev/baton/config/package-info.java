/**
 * Baton's configuration mappings ({@code baton.*}) and the translation of the seed's {@code --leader-elect*} flags
 * into them. Not API: applications set keys, they do not import these types.
 */
package dev.baton.config;
