package dev.baton.scheduling.run;

import dev.baton.scheduling.telemetry.RunListener;

import org.jboss.logging.Logger;

/**
 * Tells the runner's {@link RunListener} that a run begins, just above the link that ends it ({@link FinalRecordLink}),
 * so that the listener's context is current for the method, and that it ended, once {@link RunEnd} decided its
 * outcome. Below the retries: each attempt is a run of its own. A listener that fails is logged, never the run's
 * problem.
 */
final class ListenerLink implements RunLink {

    private static final Logger LOG = Logger.getLogger(ListenerLink.class);

    private final RunLink next;
    private final RunListener listener;
    private final String identity;

    ListenerLink(RunLink next, RunListener listener, String identity) {
        this.next = next;
        this.listener = listener;
        this.identity = identity;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        Run run = fire.run;
        RunListener.Watch watch;
        try {
            watch = listener.begins(new RunListener.Begun(run.spec.id(), run.slot, run.term.epoch(), identity,
                    run.trigger, run.attempt));
        } catch (RuntimeException e) {
            LOG.warnf(e, "Singleton job %s: the run listener failed; the run goes on unobserved", run.spec.id());
            return next.invoke(fire);
        }
        // Completed by RunEnd on whichever thread ends the run; a failing listener only fails this dependent stage.
        run.ended.thenAccept(record -> watch.ended(record, run.stopReason))
                .exceptionally(e -> {
                    LOG.warnf(e, "Singleton job %s: the run listener failed at the run's end", run.spec.id());
                    return null;
                });
        try {
            return next.invoke(fire);
        } finally {
            watch.left();
        }
    }
}
