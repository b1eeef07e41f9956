package dev.baton.scheduling.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;

/**
 * A graceful stop hands leadership over before the rest of the shutdown: by the time the application's own
 * {@code ShutdownEvent} observers run ({@link HandoverProbe}), the Lease has been released, so a standby is already
 * free to take it. The application runs as its main and stops as on SIGTERM ({@code Quarkus.asyncExit()}) once it
 * leads on the embedded store.
 */
@QuarkusMainTest
@TestProfile(GracefulHandoverTest.Probe.class)
class GracefulHandoverTest {

    public static class Probe implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("test.handover.probe", "true");
        }
    }

    @Test
    @Launch(value = {}, exitCode = 0)
    void theLeaseIsReleasedBeforeTheApplicationsShutdownObserversRun(LaunchResult result) {
        String output = result.getOutput() + "\n" + result.getErrorOutput();
        assertTrue(output.contains("HandoverProbe: leading, stopping"), "it led, then stopped: " + output);
        assertTrue(output.contains("HandoverProbe: at ShutdownEvent the Lease was held by nobody"),
                "released before the ShutdownEvent observers: " + output);
    }
}
