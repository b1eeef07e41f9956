package dev.baton.clock;

/**
 * A monotonic clock. Expiry is judged only on this, never on the Lease's {@code renewTime} (another machine's
 * wall clock): injected so tests can drive time without sleeping.
 */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
