package dev.baton.scheduling.run;

/**
 * For jobs without a started record: the last look before the method runs, after the run was bound to its term.
 * A drain that began, or a term that ended, since the gate means the slot does not run (nor is it recorded, so it
 * may run at a later fire or on the next leader).
 */
final class StillValidLink implements RunLink {

    private final RunLink next;
    private final RunsInProgress runs;

    StillValidLink(RunLink next, RunsInProgress runs) {
        this.next = next;
        this.runs = runs;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        if (runs.draining()) {
            return new NotRun("draining");
        }
        if (!fire.run.isValid()) {
            return new NotRun("not-leader");
        }
        return next.invoke(fire);
    }
}
