package dev.baton.scheduling.run;

import org.jboss.logging.Logger;

import dev.baton.scheduling.SingletonRun;

/**
 * Where the run begins: the method runs with its {@link SingletonRun} available from {@link SingletonRun#current()}
 * on this thread, and nowhere else (a {@code Uni} or stage job reads it at the top of the method and keeps it).
 */
final class CurrentRunLink implements RunLink {

    private static final Logger LOG = Logger.getLogger(CurrentRunLink.class);
    private final RunLink next;

    CurrentRunLink(RunLink next) {
        this.next = next;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        if (fire.catchUp) {
            LOG.infof("Singleton job %s: catching up missed slot %s (epoch %d)", fire.spec.id(), fire.slot,
                    fire.term.epoch());
        }
        return SingletonRun.callAs(fire.run, () -> next.invoke(fire));
    }
}
