package dev.baton.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;

/** A renew deadline that is not below the lease duration must stop the application at start, naming the key. */
@QuarkusMainTest
@TestProfile(InvalidConfigurationTest.DeadlineTooLong.class)
class InvalidConfigurationTest {

    public static class DeadlineTooLong implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.lease-duration", "10s", "baton.renew-deadline", "12s");
        }
    }

    @Test
    @Launch(value = {}, exitCode = 1)
    void startFailsNamingTheKey(LaunchResult result) {
        String output = result.getOutput() + result.getErrorOutput();
        assertTrue(output.contains("baton.lease-duration") && output.contains("baton.renew-deadline"), output);
    }
}
