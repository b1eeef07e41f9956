package dev.baton.scheduling;

/** Where {@link SingletonRun#current()} is kept: set only by {@link SingletonRun#callAs}, for the length of a call. */
final class CurrentRun {

    static final ThreadLocal<SingletonRun> RUN = new ThreadLocal<>();

    private CurrentRun() {
    }
}
