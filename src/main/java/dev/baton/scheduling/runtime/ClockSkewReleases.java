package dev.baton.scheduling.runtime;

import java.time.Duration;

import jakarta.inject.Singleton;

import dev.baton.LeaseRef;
import dev.baton.Term;
import dev.baton.election.ElectionObserver;
import dev.baton.election.LeaderElector;
import dev.baton.scheduling.gate.ClockSkew;
import dev.baton.store.LeaseStoreException;

/**
 * Hears every elector's rounds ({@link ElectionObserver}, as metrics and health do) and asks {@link ClockSkew} about
 * this replica's clock after each: every API answer may move the estimate, so a clock that turns bad is reported
 * then, whatever this replica leads, and a job Lease it holds is released then ({@link ClockSkew#afterRound}), as is
 * the service Lease when it has jobs, unless this replica took it back because nobody else did
 * ({@link dev.baton.scheduling.gate.ServiceLeaseHandover}). Called on the electors' threads; reads memory and at most
 * queues a release.
 */
@Singleton
public class ClockSkewReleases implements ElectionObserver {

    private final JobManager jobs;

    ClockSkewReleases(JobManager jobs) {
        this.jobs = jobs;
    }

    @Override
    public void attempted(LeaseRef lease, boolean asLeader, Duration latency, LeaseStoreException failure) {
        check(lease);
    }

    @Override
    public void leadershipAcquired(Term term) {
        check(term.lease()); // a take is refused while the clock is off, but the clock may turn in between
    }

    private void check(LeaseRef lease) {
        LeaderElector jobLease = jobs.isJobLease(lease.name()) ? jobs.elector(lease.name()) : null;
        LeaderElector service = jobLease == null ? jobs.elector(lease.name()) : null;
        if (jobLease != null && jobLease.lease().equals(lease)) {
            jobs.runner().clockSkew().afterRound(jobLease);
        } else if (service != null && service.lease().equals(lease) && !jobs.isJobLease(lease.name())) {
            jobs.serviceHandover().afterRound(service);
        } else {
            jobs.runner().clockSkew().refuses(); // only to report a change of the verdict as soon as it is seen
        }
    }
}
