package dev.baton.observability;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Debian's {@code prometheus} package, which gives both {@code prometheus} and {@code promtool}, found on the PATH
 * (or where {@code -Dprometheus.bin} says). The rules' tests need them: in CI ({@code CI=true}) they must run, and
 * fail naming what is missing (.ci/run installs the package); elsewhere they are skipped, saying why.
 */
final class Prometheus {

    private Prometheus() {
    }

    static Optional<Path> find(String command) {
        String dir = System.getProperty("prometheus.bin");
        String path = dir != null ? dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String d : path.split(File.pathSeparator)) {
            Path candidate = Path.of(d, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static boolean installed() {
        return find("promtool").isPresent() && find("prometheus").isPresent();
    }

    static String missing() {
        return "the alert rules' tests need Prometheus and promtool, not found on the PATH: apt-get install "
                + "prometheus (or set -Dprometheus.bin to the directory holding both)";
    }

    /** The command's path; fails, naming what is missing, without it (in CI, where the test was not skipped). */
    static Path require(String command) {
        return find(command).orElseGet(() -> fail(missing() + ". CI must run them: .ci/run installs it when missing"));
    }

    /** Skips a test, saying why, when Prometheus is not installed, except in CI. */
    static final class Installed implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (installed() || "true".equals(System.getenv("CI"))) {
                return ConditionEvaluationResult.enabled("Prometheus and promtool on the PATH");
            }
            System.err.println("SKIPPED " + context.getDisplayName() + ": " + missing());
            return ConditionEvaluationResult.disabled(missing());
        }
    }
}
