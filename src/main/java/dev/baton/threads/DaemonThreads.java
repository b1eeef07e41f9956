package dev.baton.threads;

import java.util.concurrent.ThreadFactory;

/**
 * Threads for Baton's own executors: daemons, so a background task never keeps the JVM from exiting, and named, so a
 * thread dump says which Lease or concern each belongs to.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A factory of daemon threads called {@code name}. */
    public static ThreadFactory named(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        };
    }
}
