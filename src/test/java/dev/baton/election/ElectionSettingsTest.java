package dev.baton.election;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ElectionSettingsTest {

    @Test
    void theSeedsTimingsAreValid() {
        assertDoesNotThrow(() -> new ElectionSettings("worker-election", "pod-a", Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(2)));
    }

    @ParameterizedTest(name = "{0}/{1}/{2} ms fails on {3}")
    @CsvSource({
            "10000, 10000, 2000, baton.lease-duration",   // renew deadline not below lease duration
            "10000, 12000, 2000, baton.lease-duration",
            "15000, 10000, 9000, baton.renew-deadline",   // 1.2 x retry > renew deadline
            "15000, 10000, 0, baton.retry-period",
            "15000, -1, 2000, baton.renew-deadline",
            "0, 10000, 2000, baton.lease-duration",
            "15500, 10000, 2000, baton.lease-duration",   // not whole seconds
    })
    void badTimingsFailNamingTheKey(long lease, long renew, long retry, String key) {
        var e = assertThrows(ElectionSettings.InvalidSettingException.class, () -> new ElectionSettings("l", "id",
                Duration.ofMillis(lease), Duration.ofMillis(renew), Duration.ofMillis(retry)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void anEmptyIdentityOrBadLeaseNameFailsNamingTheKey() {
        Duration l = Duration.ofSeconds(15), r = Duration.ofSeconds(10), p = Duration.ofSeconds(2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ElectionSettings("l", " ", l, r, p))
                .getMessage().contains("baton.identity"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ElectionSettings("Bad_Name", "id", l, r, p))
                .getMessage().contains("baton.lease-name"));
    }
}
