package dev.baton.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LeaderElectFlagsTest {

    @Test
    void theSeedsControllerFlagsMapToBatonKeys() {
        Map<String, String> props = LeaderElectFlags.toProperties("--leader-elect=true",
                "--leader-election-id=controller-leader", "--leader-election-namespace=prod",
                "--leader-election-lease-duration=15s", "--leader-election-renew-deadline=10s",
                "--leader-election-retry-period=2s");
        assertEquals("true", props.get("baton.enabled"));
        assertEquals("controller-leader", props.get("baton.lease-name"));
        assertEquals("prod", props.get("baton.namespace"));
        assertEquals(Duration.ofSeconds(15), Duration.parse(props.get("baton.lease-duration")));
        assertEquals(Duration.ofSeconds(10), Duration.parse(props.get("baton.renew-deadline")));
        assertEquals(Duration.ofSeconds(2), Duration.parse(props.get("baton.retry-period")));
    }

    @Test
    void theSeedsSidecarFlagsSelectSidecarModeOnPort4040() {
        Map<String, String> props = LeaderElectFlags.toProperties("--election=worker-election", "--http=0.0.0.0:4040");
        assertEquals("worker-election", props.get("baton.lease-name"));
        assertEquals("sidecar", props.get("baton.mode"));
        assertEquals("0.0.0.0", props.get("quarkus.http.host"));
        assertEquals("4040", props.get("quarkus.http.port"));
    }

    @Test
    void goDurationsOfEveryShapeAreRead() {
        assertEquals(Duration.ofMillis(1500), Duration.parse(LeaderElectFlags.duration("f", "1.5s")));
        assertEquals(Duration.ofSeconds(90), Duration.parse(LeaderElectFlags.duration("f", "1m30s")));
        assertEquals(Duration.ofMillis(250), Duration.parse(LeaderElectFlags.duration("f", "250ms")));
    }

    @Test
    void badFlagsFailNamingTheFlag() {
        assertTrue(assertThrows(LeaderElectFlags.InvalidFlagException.class,
                () -> LeaderElectFlags.toProperties("--leader-election-lease-duration=fifteen"))
                .getMessage().contains("--leader-election-lease-duration"));
        assertTrue(assertThrows(LeaderElectFlags.InvalidFlagException.class,
                () -> LeaderElectFlags.toProperties("--leader-elect-typo=1")).getMessage().contains("--leader-elect-typo"));
        assertTrue(assertThrows(LeaderElectFlags.InvalidFlagException.class,
                () -> LeaderElectFlags.toProperties("--leader-election-namespace=$(POD_NAMESPACE)"))
                .getMessage().contains("POD_NAMESPACE"));
        assertTrue(assertThrows(LeaderElectFlags.InvalidFlagException.class,
                () -> LeaderElectFlags.toProperties("--http=4040")).getMessage().contains("--http"));
    }

    @Test
    void otherArgumentsPassThrough() {
        assertArrayEquals(new String[] { "-Dx=y", "other" },
                LeaderElectFlags.remaining("--leader-elect", "-Dx=y", "other", "--election=e"));
    }
}
