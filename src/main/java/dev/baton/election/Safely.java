package dev.baton.election;

import org.jboss.logging.Logger;

import dev.baton.LeaseRef;

/**
 * The one guard around code the election calls but does not own (observers, CDI events, Kubernetes Events): a
 * failure there is logged and never changes a decision, as Quarkus's {@code Events} helper treats a failing
 * observer.
 */
public final class Safely {

    private static final Logger LOG = Logger.getLogger(Safely.class);

    private Safely() {
    }

    /** Runs {@code call}; a RuntimeException is logged with the Lease it concerns and swallowed. */
    public static void run(LeaseRef lease, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warnf(e, "Lease %s: an observer failed; the election goes on", lease);
        }
    }
}
