package dev.baton.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The shipped alert rules (src/main/kubernetes/monitoring/baton-alerts.yml): a PrometheusRule whose every alert
 * tells the operator what happened, which kubectl line to look further with, and which runbook to follow; rules
 * Prometheus accepts ({@code promtool check rules}) and that fire when they should and only then ({@code promtool
 * test rules} with src/test/prometheus/baton-alerts.test.yml).
 */
class AlertRulesTest {

    static final Path MANIFEST = Path.of("src/main/kubernetes/monitoring/baton-alerts.yml");
    static final Path UNIT_TESTS = Path.of("src/test/prometheus/baton-alerts.test.yml");
    static final List<String> ALERTS = List.of("BatonNoLeader", "BatonJobOverdue", "BatonJobFailing",
            "BatonClockRefused");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyAlertSaysWhatHappenedHowToLookAndWhichRunbookToFollow() throws IOException {
        JsonNode manifest = YAML.readTree(MANIFEST.toFile());
        assertEquals("monitoring.coreos.com/v1", manifest.path("apiVersion").asText());
        assertEquals("PrometheusRule", manifest.path("kind").asText());
        List<String> alerts = new ArrayList<>();
        for (JsonNode rule : manifest.path("spec").path("groups").path(0).path("rules")) {
            if (rule.has("record")) {
                continue; // the max over replicas, which the alerts read
            }
            String alert = rule.path("alert").asText();
            alerts.add(alert);
            JsonNode annotations = rule.path("annotations");
            assertTrue(!annotations.path("summary").asText().isBlank(), alert + ": summary");
            assertTrue(annotations.path("description").asText().contains("kubectl "), alert + ": a kubectl line");
            String runbook = annotations.path("runbook_url").asText();
            assertTrue(runbook.startsWith("docs/runbooks/") && Files.isRegularFile(Path.of(runbook)),
                    alert + ": runbook " + runbook + " exists");
        }
        assertEquals(ALERTS, alerts);
    }

    @Test
    @ExtendWith(Prometheus.Installed.class)
    void promtoolAcceptsTheRulesAndTheyFireWhenTheyShouldOnly() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/alert-rules"));
        Path tests = dir.resolve("baton-alerts.test.yml");
        writeRules(MANIFEST, dir.resolve("baton-alerts.rules.yml"));
        Files.copy(UNIT_TESTS, tests, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path promtool = Prometheus.require("promtool");

        promtool(promtool.toString(), "check", "rules", dir.resolve("baton-alerts.rules.yml").toString());
        promtool(promtool.toString(), "test", "rules", tests.toString());
    }

    /** The manifest's {@code spec} (its rule groups) as a plain Prometheus rule file. */
    static void writeRules(Path manifest, Path rules) throws IOException {
        JsonNode spec = YAML.readTree(manifest.toFile()).path("spec");
        ObjectNode file = YAML.createObjectNode();
        file.set("groups", spec.path("groups"));
        YAML.writeValue(rules.toFile(), file);
    }

    private static void promtool(String... command) throws Exception {
        Path log = Files.createTempFile(Path.of("target/alert-rules"), "promtool", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", command) + " took over 60 s");
            }
        } finally {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + output);
    }
}
