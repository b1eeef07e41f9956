package dev.baton.runtime;

import java.util.Map;

import dev.baton.config.LeaderElectFlags;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point: reads the seed's {@code --leader-elect*} and sidecar flags from the container's arguments into
 * configuration, then starts Quarkus. Explicit system properties win over flags, as {@code -D} does elsewhere.
 */
@QuarkusMain
public final class BatonMain {

    public static void main(String... args) {
        Map<String, String> props;
        try {
            props = LeaderElectFlags.toProperties(args);
        } catch (LeaderElectFlags.InvalidFlagException e) {
            System.err.println("Baton cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        props.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
        Quarkus.run(LeaderElectFlags.remaining(args));
    }
}
