package dev.baton.scheduling;

import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * Where the run begins: the method runs with its {@link SingletonRun} available from {@link SingletonRun#current()}
 * on this thread, and nowhere else (a {@code Uni} or stage job reads it at the top of the method and keeps it).
 */
final class CurrentRunLink implements RunLink {

    private static final Logger LOG = Logger.getLogger(CurrentRunLink.class);
    /** Set only here, for the length of the call; read by {@link SingletonRun#current()}. */
    private static final ThreadLocal<Run> CURRENT = new ThreadLocal<>();

    private final RunLink next;

    CurrentRunLink(RunLink next) {
        this.next = next;
    }

    static Optional<SingletonRun> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        if (fire.catchUp) {
            LOG.infof("Singleton job %s: catching up missed slot %s (epoch %d)", fire.spec.id(), fire.slot,
                    fire.term.epoch());
        }
        CURRENT.set(fire.run);
        try {
            return next.invoke(fire);
        } finally {
            CURRENT.remove();
        }
    }
}
