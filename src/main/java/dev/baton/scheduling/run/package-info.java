/**
 * The run chain: Quarkus's scheduler fires every {@code @Scheduled} method on every replica, and this package decides,
 * per fire, whether this replica runs it, runs it, and records it. This is the one place the chain and its guarantees
 * are described; the README and the other packages link here.
 *
 * <h2>The chain</h2>
 * {@link dev.baton.scheduling.run.JobRunner} is the policy, knowing no CDI, so tests run several replicas of it in one
 * JVM against one API server. A fire (a {@link dev.baton.scheduling.run.Fire}: the job, its slot, what triggered it)
 * goes through a chain of small {@link dev.baton.scheduling.run.RunLink}s, one idea each, as Quarkus builds its
 * invoker from decorators, outermost first:
 * <ol>
 * <li>{@code SkipReportLink}: a slot that did not run here is counted in {@code baton.job.skips} and answered as a
 * skipped method returns;</li>
 * <li>{@code GateLink}: this replica holds a valid term of the job's Lease, is not draining, is not a sidecar
 * ({@code dev.baton.scheduling.gate.JobGate});</li>
 * <li>{@code ClockSkewLink}: this replica's clock is not provably off the cluster's
 * ({@code dev.baton.scheduling.gate.ClockSkew});</li>
 * <li>{@code SuspendLink}: the job is not suspended on its Lease (and a run request is refused in the Lease if it is);</li>
 * <li>{@code ClockBehindLink}: no record of the job is ahead of this replica's clock;</li>
 * <li>{@code RecordedSlotLink}: the slot is not recorded as run already;</li>
 * <li>{@code ClaimLink}: nobody on this replica claimed the slot (two fires of one slot, a scheduler's and a
 * catch-up);</li>
 * <li>{@code NoOverlapLink}: the job's previous run still going here is waited for, skipped or let overlap
 * ({@code overlap});</li>
 * <li>{@code BindToTermLink}: the run is bound to its term, stopped the moment it ends;</li>
 * <li>{@code StartedRecordLink} ({@code RUN_LATEST}: the slot recorded before the run), or {@code RequestClaimLink}
 * (a run request claimed in the Lease before the run), or {@code StillValidLink} (the term still valid);</li>
 * <li>{@code RetryLink}: a failed attempt tried again within the slot ({@code retries});</li>
 * <li>{@code ListenerLink} (only with a {@link dev.baton.scheduling.telemetry.RunListener}, i.e. tracing on): each
 * attempt told to the listener as it begins and ends;</li>
 * <li>{@code FinalRecordLink}: the run's final record and history entry, riding on the elector's next write;</li>
 * <li>{@code TimeoutLink}: an attempt stopped after {@code timeout};</li>
 * <li>{@code CurrentRunLink}: the method runs with its {@link dev.baton.scheduling.SingletonRun} current.</li>
 * </ol>
 * A new job option is a new link, added where {@code JobRunner} builds the chain; links for options a job does not
 * use are left out. Catch-up when a term begins is {@code CatchUps} (the rule itself is
 * {@link dev.baton.scheduling.records.CatchUpDecision}); an operator's run request is started by
 * {@code RequestStarter} when {@link dev.baton.scheduling.controls.LeaseControls} sees it, and goes through the same
 * chain. What the chain reads and writes in the Lease is {@code dev.baton.scheduling.records}'s; the CDI side
 * (discovery, the interceptor, shutdown) is {@code dev.baton.scheduling.runtime}'s.
 *
 * <h2>What is guaranteed, and why</h2>
 * <ul>
 * <li><b>A run needs a valid term.</b> It starts only while the Lease's elector reports a valid term, and is told
 * the moment the term ends: the thread is interrupted, an async result cancelled, {@code SingletonRun.isValid()}
 * false. Two replicas can still overlap for as long as a job ignores that (the election has no fencing of its
 * own): jobs that write elsewhere should pass the epoch to stores that fence on it. The liveness check reads
 * {@link dev.baton.scheduling.gate.Overruns} to catch runs that ignore it for too long.</li>
 * <li><b>A slot runs once.</b> Each replica claims a slot in memory before running it, and the leader records the
 * last slot in the Lease (annotation {@code baton.dev/job.<id>}), written with a conditional update on the elector's
 * thread while its term is valid; the next leader reads it and skips that slot, also when its own scheduler fires it
 * late. With {@code catchUp = RUN_LATEST} the record is written <i>before</i> the run, a write of its own, and the
 * run depends on it, so a crash mid-run cannot lead to a second run of that slot. A run's final record (and its
 * history entry) rides on the elector's next write of the Lease, a renewal at most a retry period later, or the
 * release: it costs no request. A crash in between loses it, as a crash mid-run does: a {@code RUN_LATEST} slot
 * keeps its started record (shown as outcome {@code UNKNOWN}) and is not run again; for any other job the next
 * leader's scheduler would have to fire that slot over a lease duration late to run it again.</li>
 * <li><b>A run request runs at most once.</b> Its token is claimed in the Lease (the job's run status) in a conditional
 * write of its own, before the run and only while the request still asks for it (its outcome then rides on a
 * renewal, as a final record does); a holder never runs a token its run status or
 * history names. A crash or handover after the claim leaves it claimed, not run again.</li>
 * <li><b>Slots that fall into a suspension are not run later.</b> The holder marks the suspension in the job's record
 * and, when it sees the job resumed, records the skipped slots as settled; catch-up and late fires respect both.</li>
 * <li><b>Records are bounded and never trusted blindly.</b> 1 KiB per record, {@code baton.jobs.max-records} per
 * Lease; a record that does not parse, or claims a later epoch than the current term (no leader wrote it), is logged and
 * treated as absent. History gives way first: bounded per job and per Lease in bytes, it never takes a Lease past
 * half of what Kubernetes allows.</li>
 * <li><b>No clock error runs a slot twice.</b> Slots are named by wall clocks. A record ahead of this replica's clock
 * is believed however far ahead it is, and no slot up to it runs here ({@code ClockBehindLink}: said and counted as
 * {@code clock-behind}); and a replica whose clock is provably off the cluster's by more than
 * {@code baton.jobs.max-clock-skew} runs no slot and holds no job Lease ({@code ClockSkew}: {@code clock-skew}), nor
 * the service Lease when it has jobs, unless nobody else takes it ({@code ServiceLeaseHandover}). The first holds
 * when nothing can be measured; the second keeps the jobs running on a good clock instead of pausing.</li>
 * <li><b>Shutdown hands over first, and drains before it releases.</b> On SIGTERM, in Quarkus's pre-shutdown phase
 * (before the HTTP server's graceful shutdown and every {@code ShutdownEvent} observer), no Lease is taken any more,
 * the gated triggers are paused ({@code GatedTriggersPause}: no skip is decided once the container may be gone),
 * the drain runs, and then {@code Elections} releases the Leases, so an interrupted run's outcome is recorded while
 * the term is still held and a standby takes over while the rest of the process shuts down.</li>
 * </ul>
 */
package dev.baton.scheduling.run;

