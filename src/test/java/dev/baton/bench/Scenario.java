package dev.baton.bench;

/** What the harness does to the leader. */
enum Scenario {
    /**
     * Not a disruption: processes started one at a time on a free Lease, Baton and fabric8 alternating, timed from
     * process start to "started" and to leadership, and measured (RSS) once they have led a few seconds.
     */
    START("start, one process at a time"),
    /** SIGTERM: a rolling update or a scale-down. */
    GRACEFUL("graceful stop (SIGTERM)"),
    /** SIGKILL: the node or the container died. */
    CRASH("crash (SIGKILL)"),
    /** SIGSTOP for longer than the lease, then SIGCONT: a long GC pause or a frozen VM. */
    FREEZE("freeze (SIGSTOP > lease, SIGCONT)"),
    /** Its proxy to the API server blackholed for longer than the lease, then healed: a network partition. */
    CUT("cut from the API, healed"),
    /**
     * A standby's wall clock moved 330 s back (libfaketime), then made the leader by a graceful stop, then stopped
     * in turn: a clock off must run no slot twice, and the job's pause is measured (Baton only).
     */
    SKEW("clock 330 s behind (libfaketime)"),
    /**
     * Three replicas of the previous release rolled to this build one at a time (SIGTERM, start, started, next), and
     * back, with a suspension and a run request mid-roll ({@link RollingUpgrade}); replicas of its own, not a group's.
     */
    ROLL("rolling upgrade, previous release → this build → previous");

    final String title;

    Scenario(String title) {
        this.title = title;
    }

    /** True for the scenarios each group runs on its replicas (all but START and ROLL, parts of their own). */
    boolean disruption() {
        return this != START && this != ROLL;
    }
}
