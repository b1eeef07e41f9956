/**
 * Where Leases live, as client-go keeps its lock apart from the elector: the {@link dev.baton.store.LeaseStore}
 * contract (conditional writes only), the Kubernetes implementation with its one shared watch, and the in-memory
 * store for {@code quarkus:dev} and tests. Knows nothing of elections. Not API.
 */
package dev.baton.store;
