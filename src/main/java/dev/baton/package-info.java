/**
 * <b>API.</b> What an application uses of Baton's election: the {@link dev.baton.Leadership} bean (is this replica
 * the leader, who is, its current {@link dev.baton.Term}), the CDI events {@link dev.baton.LeadershipAcquired},
 * {@link dev.baton.LeadershipLost} and {@link dev.baton.LeaderChanged}, and {@link dev.baton.LeaseRef}, the name of a
 * Lease. Nothing else lives here: the machinery is in the sub-packages, and this package imports none of them.
 */
package dev.baton;
