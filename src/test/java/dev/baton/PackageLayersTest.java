package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The house drawn from the imports of {@code src/main/java}: every package sits on a layer, and imports only from
 * layers below its own, so no arrow runs back up and there is no circle. Packages of one layer do not import each
 * other. The API packages import only API. Read from the source files' {@code import} lines, so it needs no library
 * and checks what a reader sees.
 * <p>
 * A new package goes on the lowest layer above everything it imports; if none fits, the design has a knot to untie
 * first.
 */
class PackageLayersTest {

    /** Lowest first. */
    static final List<List<String>> LAYERS = List.of(
            List.of("dev.baton"), // the API: terms, leadership events, the Lease's name
            List.of("dev.baton.threads", "dev.baton.config"),
            List.of("dev.baton.store", "dev.baton.clock"),
            List.of("dev.baton.election"), // the core, knowing no CDI
            List.of("dev.baton.runtime", "dev.baton.scheduling"), // the service's CDI face; the jobs' API
            List.of("dev.baton.scheduling.records"),
            List.of("dev.baton.scheduling.controls"),
            List.of("dev.baton.scheduling.gate"),
            List.of("dev.baton.scheduling.telemetry"),
            List.of("dev.baton.scheduling.run"),
            List.of("dev.baton.scheduling.runtime"),
            List.of("dev.baton.health", "dev.baton.observability", "dev.baton.http", "dev.baton.http.page",
                    "dev.baton.sidecar", "dev.baton.examples"));

    /** What an application imports; they may import nothing but each other. */
    static final List<String> API = List.of("dev.baton", "dev.baton.scheduling");

    /** No folder holds more Java files than this directly. */
    static final int MAX_FILES_PER_PACKAGE = 30;

    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?;",
            Pattern.MULTILINE);

    @Test
    void importsRunOnlyDownward() {
        Map<String, Integer> layerOf = new TreeMap<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            for (String p : LAYERS.get(i)) {
                layerOf.put(p, i);
            }
        }
        List<String> wrong = new ArrayList<>();
        imports().forEach((from, targets) -> {
            Integer fromLayer = layerOf.get(from);
            if (fromLayer == null) {
                wrong.add(from + " is on no layer: add it to PackageLayersTest.LAYERS");
                return;
            }
            for (String to : targets) {
                Integer toLayer = layerOf.get(to);
                if (toLayer == null) {
                    wrong.add(to + " (imported by " + from + ") is on no layer: add it to PackageLayersTest.LAYERS");
                } else if (toLayer >= fromLayer) {
                    wrong.add(from + " -> " + to + (toLayer.equals(fromLayer) ? " (same layer)" : " (upward)"));
                } else if (API.contains(from) && !API.contains(to)) {
                    wrong.add(from + " -> " + to + " (the API imports an implementation)");
                }
            }
        });
        assertEquals(List.of(), wrong, "imports that break the layering of " + MAIN);
    }

    @Test
    void noFolderHoldsMoreThanThirtyFiles() {
        List<String> crowded = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(MAIN)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    long n = files.filter(f -> f.toString().endsWith(".java")
                            && !f.getFileName().toString().equals("package-info.java")).count();
                    if (n > MAX_FILES_PER_PACKAGE) {
                        crowded.add(MAIN.relativize(dir) + ": " + n + " files");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(List.of(), crowded);
    }

    /** Per package of {@code src/main/java}, the other {@code dev.baton} packages its files import. */
    static Map<String, TreeSet<String>> imports() {
        Map<String, TreeSet<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(source);
                if (!pkg.find()) {
                    continue;
                }
                String from = pkg.group(1);
                TreeSet<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher imp = IMPORT.matcher(source);
                while (imp.find()) {
                    String to = packageOf(imp.group(1));
                    if (to.startsWith("dev.baton") && !to.equals(from)) {
                        targets.add(to);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** The package part of an imported name: the segments before the first capitalised one (a type). */
    static String packageOf(String name) {
        StringBuilder pkg = new StringBuilder();
        for (String segment : name.split("\\.")) {
            if (Character.isUpperCase(segment.charAt(0))) {
                break;
            }
            pkg.append(pkg.isEmpty() ? "" : ".").append(segment);
        }
        return pkg.toString();
    }
}
