package dev.baton.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.baton.election.ElectionSettings;

/** The wedged threshold as documented on {@link ElectorProgress}. */
class ElectorProgressTest {

    private final ElectionSettings defaults = new ElectionSettings("baton-leader", "pod-a", Duration.ofSeconds(15),
            Duration.ofSeconds(10), Duration.ofSeconds(2));

    @Test
    void defaultsGiveFiftyThreeSeconds() {
        // 1.2 x 15 s + 5 x 5 s + 10 s
        assertEquals(Duration.ofSeconds(53), ElectorProgress.wedgedAfter(defaults, Duration.ZERO, Duration.ofSeconds(5)));
    }

    @Test
    void aHolderWithALongerLeaseIsWaitedOutBeforeCallingTheElectorWedged() {
        // A standby with a watch sleeps until the holder's Lease expires: 1.2 x 60 s + 5 x 5 s + 10 s
        assertEquals(Duration.ofSeconds(107),
                ElectorProgress.wedgedAfter(defaults, Duration.ofSeconds(60), Duration.ofSeconds(5)));
    }

    @Test
    void theEmbeddedStoreHasNoRequestTerm() {
        assertEquals(Duration.ofSeconds(28), ElectorProgress.wedgedAfter(defaults, Duration.ZERO, Duration.ZERO));
    }
}
