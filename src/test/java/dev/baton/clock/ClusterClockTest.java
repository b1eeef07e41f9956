package dev.baton.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The bean others read: its limit is checked at start, and the embedded store has no cluster clock. */
class ClusterClockTest {

    @Test
    void aNegativeLimitIsRefusedNamingTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ClusterClock(false, Duration.ofSeconds(-1), Clock.systemUTC(), Ticker.SYSTEM));
        assertTrue(e.getMessage().contains("baton.jobs.max-clock-skew"), e.getMessage());
    }

    @Test
    void theEmbeddedStoreHasNoClusterClock() {
        ClusterClock clock = new ClusterClock(true, Duration.ofSeconds(2), Clock.systemUTC(), Ticker.SYSTEM);
        assertEquals(ClockEstimate.Source.NO_CLUSTER, clock.current().source());
        assertEquals(ClockTrust.UNMEASURED, clock.trust());
        assertTrue(clock.lastSampleAge().isEmpty());
    }
}
