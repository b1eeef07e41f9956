package dev.baton.scheduling.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;

/**
 * A graceful shutdown logs no ERROR, also when the race behind {@code ERROR ... SkipPredicateInvoker ... Error while
 * firing SkippedExecution event [Error Occurred After Shutdown]} is made to happen every time ({@link ShutdownProbe}:
 * a slow shutdown, and a skip's worker thread held until the container is gone). The application runs as its main
 * (Baton's {@code BatonMain}) and stops as on SIGTERM ({@code Quarkus.asyncExit()}, the path the shutdown hook
 * takes); its whole output, shutdown included, is scanned. Without {@link GatedTriggersPause} the gated job fires
 * during the slow shutdown and this test fails.
 */
@QuarkusMainTest
@TestProfile(GracefulShutdownTest.SlowShutdown.class)
class GracefulShutdownTest {

    public static class SlowShutdown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // No election: the gated job is skipped at every fire (not-leader), which is what fires the event.
            return Map.of("baton.enabled", "false", "test.shutdown.every", "1s",
                    // Longer than the scheduler's one-second period: an unpaused trigger fires at least once meanwhile.
                    "test.shutdown.slow-disposal-ms", "2500",
                    // Longer than the rest of the shutdown takes once the slow disposal is over.
                    "test.shutdown.held-skip-ms", "3000");
        }
    }

    @Test
    @Launch(value = {}, exitCode = 0)
    void aGracefulShutdownLogsNoError(LaunchResult result) {
        String output = result.getOutput() + "\n" + result.getErrorOutput();
        assertTrue(output.contains("ShutdownProbe: slow disposal ends"), "the slow shutdown happened: " + output);
        assertFalse(output.contains("ShutdownProbe: a gated fire after shutdown began"),
                "a gated trigger fired after shutdown began: " + output);
        assertFalse(output.contains("ERROR"), output);
    }
}
