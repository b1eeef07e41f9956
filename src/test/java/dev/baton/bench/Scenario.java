package dev.baton.bench;

/** What the harness does to the leader. */
enum Scenario {
    /** SIGTERM: a rolling update or a scale-down. */
    GRACEFUL("graceful stop (SIGTERM)"),
    /** SIGKILL: the node or the container died. */
    CRASH("crash (SIGKILL)"),
    /** SIGSTOP for longer than the lease, then SIGCONT: a long GC pause or a frozen VM. */
    FREEZE("freeze (SIGSTOP > lease, SIGCONT)"),
    /** Its proxy to the API server blackholed for longer than the lease, then healed: a network partition. */
    CUT("cut from the API, healed");

    final String title;

    Scenario(String title) {
        this.title = title;
    }
}
