package dev.baton.clock;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;

/** A negative baton.jobs.max-clock-skew stops the application at start, naming the key. */
@QuarkusMainTest
@TestProfile(NegativeMaxClockSkewTest.Negative.class)
class NegativeMaxClockSkewTest {

    public static class Negative implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("baton.jobs.max-clock-skew", "-1s");
        }
    }

    @Test
    @Launch(value = {}, exitCode = 1)
    void startFailsNamingTheKey(LaunchResult result) {
        String output = result.getOutput() + result.getErrorOutput();
        assertTrue(output.contains("baton.jobs.max-clock-skew"), output);
    }
}
