package dev.baton.scheduling.run;

import java.util.Optional;

import dev.baton.scheduling.gate.ClockSkew;

/**
 * No slot on a clock that is off: a leader whose wall clock is beyond {@code baton.jobs.max-clock-skew} runs
 * nothing ({@link ClockSkew}). Right after the gate, so a standby still reports {@code not-leader}, and before the
 * record and the claim, so nothing is taken for a fire that does not run.
 */
final class ClockSkewLink implements RunLink {

    private final RunLink next;
    private final ClockSkew skew;

    ClockSkewLink(RunLink next, ClockSkew skew) {
        this.next = next;
        this.skew = skew;
    }

    @Override
    public Object invoke(Fire fire) throws Exception {
        Optional<String> refused = skew.skipReason();
        if (refused.isPresent()) {
            return new NotRun(refused.get());
        }
        return next.invoke(fire);
    }
}
