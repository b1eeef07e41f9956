/**
 * The election core: one {@link dev.baton.election.LeaderElector} per Lease, knowing nothing of HTTP, health,
 * metrics or CDI (they read from it or observe it through {@link dev.baton.election.ElectionObserver}).
 *
 * <h2>Why it is safe</h2>
 * <ul>
 * <li><b>Writes are conditional.</b> Every create and update carries the resourceVersion that was read; the API
 * server accepts only one writer per version, so two candidates racing for an expired Lease produce one holder and
 * one 409. A leader renews from its own last write: if anyone wrote in between, its renewal fails and it re-reads.</li>
 * <li><b>Only local time is trusted.</b> A standby never compares the Lease's {@code renewTime} (another machine's
 * wall clock) with its own. It records on its monotonic clock when it last saw the Lease <i>change</i> and judges
 * the Lease expired {@code leaseDurationSeconds} after that. Clock offsets between machines do not matter; a
 * difference in clock <i>rates</i> larger than {@code (leaseDuration - renewDeadline) / leaseDuration} would.</li>
 * <li><b>The leader steps down first.</b> A term is valid until {@code renewDeadline} after the start of its last
 * successful renewal; a standby cannot take the Lease before {@code leaseDuration} after it <i>saw</i> that
 * renewal, which is later. So with {@code leaseDuration > renewDeadline} the old term has ended, on its own clock,
 * before any new one can begin. {@link dev.baton.Term#isValid()} is computed from the clock, so it is false at
 * the deadline even if the elector's thread is stuck in an API call; a watchdog thread then fires the loss.</li>
 * <li><b>One identity, one process.</b> Next to {@code holderIdentity} (the pod name, which operators see) the
 * holder writes a random instance id as an annotation. A second process with the same identity sees a Lease
 * that is not its own and waits for it to expire, as any standby does.</li>
 * <li><b>Only the holder hands over at once.</b> A Lease released by its Baton holder (holder cleared, the
 * holder's instance id in {@code baton.dev/released-by}) is taken at once: that holder has stopped acting. A Lease
 * deleted, or its holder cleared by anybody else, may still have a live holder; standbys then wait a full lease
 * duration from when they saw it vanish, and only the holder itself recreates a deleted Lease at once.</li>
 * <li><b>A term never comes back.</b> A renewal that returns after the deadline ends the term instead of
 * extending it; the elector then takes the Lease again (it still shows this process) under a new epoch.</li>
 * <li><b>Epochs fence.</b> Each new term writes {@code leaseTransitions} one higher than any value this process
 * has seen, including when the same identity takes the Lease back after stepping down. That number is the term's
 * fencing token. If the Lease is deleted and recreated by another process that had never seen it, the count
 * restarts: fencing across a deletion is only as good as the creator's memory.</li>
 * </ul>
 *
 * <h2>What it costs</h2>
 * The leader sends one conditional PUT per renewal (retry period plus up to 20% jitter); after a failed one it
 * retries sooner, within what is left of the renew deadline, and after a lost race it reads before writing again.
 * Annotations handed over with {@code updateAnnotationsWithNextRenewal} ride on that PUT (or on the release) at no
 * cost; {@code updateAnnotations} sends a write of its own (a second after a conflict), for what must land before
 * the caller goes on. A standby with a watch sends nothing in steady state: each renewal arrives as a watch event
 * and moves its single expiry timer's due time (the timer itself is set again only when it fires early); a release
 * or deletion wakes it at once. Without the watch verb (the seed's Role) it polls with a GET every retry period.
 * <p>
 * What does not grow with the number of Leases: threads and watches. Every elector of the process runs on one
 * small shared pool, one task at a time per elector ({@code SerialExecutor} over {@code ElectorThreads}), and one
 * shared watchdog thread ends every term at its deadline. The Kubernetes store watches all of the namespace's Leases
 * labelled {@code baton.dev/lease=true} (every Lease Baton writes) with one informer and hands each change to its
 * Lease's elector; where listing Leases is forbidden it watches each Lease by name, and a Lease without the label
 * (written by someone else) is polled until a Baton leader writes it.
 *
 * <h2>Where things are</h2>
 * {@link dev.baton.election.LeaderElector} runs one Lease's election on its serial executor and answers reads; the decisions
 * are {@code ElectorStateMachine}'s (its numbered {@code tryAcquireOrRenew} is the place to start), with one small
 * class per concern: {@code ObservedLease} (what was seen, and when, on the monotonic clock), {@code LeaseRecords}
 * (the records this process writes), {@code Pacing} (when the next round is due), {@code HoldBack} (stepping aside,
 * pausing before a take, not taking while told not to), {@code CurrentTerm} (a term's life and its deadline watchdog), {@code Announcer} (logs,
 * observers, Kubernetes Events), {@code Failures}, {@code WatchSupervisor}, {@code LeaseAnnotations} (the job
 * runner's records in the Lease) and {@code PendingAnnotations} (changes riding on the next write); {@code Ticker}
 * (the monotonic clock) is {@code dev.baton.clock}'s. The CDI face that wires them into the application,
 * {@code dev.baton.runtime.Elections}, lives outside this package, which imports no CDI.
 */
package dev.baton.election;
