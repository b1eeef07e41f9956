package dev.baton.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README is the front door and the pages under {@code docs/} hold the rest, so a link that leads nowhere is a
 * reader lost. This reads README.md, CONTRIBUTING.md and every {@code docs/**.md} as GitHub would render them and
 * fails naming each relative link whose file is missing or whose {@code #anchor} names no heading of its target
 * (GitHub's slugs). Links into {@code src/} are checked too: they are how the docs point at the one place a design is
 * described (a package doc) instead of describing it again. Plain JUnit: no Quarkus needed to read files.
 */
class DocLinksTest {

    /** Issue 17: the README stays a short front door; the rest lives in docs/. */
    private static final int README_MAX_LINES = 250;

    /** {@code [text](target)} and {@code ![alt](target)}; the target ends at whitespace (a title may follow). */
    private static final Pattern INLINE = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\]]*\\])*\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** {@code [label]: target}, a reference definition. */
    private static final Pattern REFERENCE = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HEADING = Pattern.compile("^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~)");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern HTML_COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern EXPLICIT_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");

    private final Path root = Path.of("").toAbsolutePath();

    @Test
    void everyRelativeLinkOfTheDocsLeadsSomewhere() {
        List<Path> files = docFiles(root);
        assertTrue(files.contains(root.resolve("README.md")) && files.contains(root.resolve("CONTRIBUTING.md")),
                "README.md and CONTRIBUTING.md are read: " + files);
        List<String> broken = brokenLinks(root, files);
        assertTrue(broken.isEmpty(), broken.size() + " broken link(s):\n" + String.join("\n", broken));
    }

    @Test
    void theReadmeIsAShortFrontDoor() throws IOException {
        long lines = Files.readAllLines(root.resolve("README.md")).size();
        assertTrue(lines <= README_MAX_LINES, "README.md has " + lines + " lines; at most " + README_MAX_LINES
                + ": move the detail into a page under docs/ and link it");
    }

    /** The checker itself: without this, a parser that finds no links at all would pass the test above. */
    @Test
    void aMissingFileAnAnchorWithoutHeadingAndAMissingSourceAreEachNamed(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("docs"));
        Files.createDirectories(dir.resolve("src/main/java/dev/baton/election"));
        Files.writeString(dir.resolve("src/main/java/dev/baton/election/package-info.java"), "package dev.baton.election;\n");
        Files.writeString(dir.resolve("README.md"), String.join("\n",
                "# Baton",
                "## Run it on Kubernetes (`kubectl`, health)",
                "[ok](docs/jobs.md#catch-up-after-a-handover) [ok too](#run-it-on-kubernetes-kubectl-health)",
                "[the core](src/main/java/dev/baton/election/package-info.java) [site](https://example.org/x.md)",
                "[gone](docs/missing.md) [no heading](docs/jobs.md#nowhere) [no such](#set-up)",
                "[moved](src/main/java/dev/baton/scheduling/run/package-info.java)",
                "```", "[in a fence](docs/fenced.md)", "```",
                "`[inline code](docs/code.md)` <!-- [commented](docs/alerts.md) -->"));
        Files.writeString(dir.resolve("docs/jobs.md"), "# Jobs\n\n## Catch-up after a handover\n\n[back](../README.md#baton)\n");

        List<String> broken = brokenLinks(dir, docFiles(dir));

        assertEquals(List.of(
                "README.md:5: docs/missing.md (no such file)",
                "README.md:5: docs/jobs.md#nowhere (no heading 'nowhere' in docs/jobs.md)",
                "README.md:5: #set-up (no heading 'set-up' in README.md)",
                "README.md:6: src/main/java/dev/baton/scheduling/run/package-info.java (no such file)"), broken);
    }

    @Test
    void slugsAreGitHubs() {
        assertEquals("failover-benchmark-real-processes-side-by-side-with-fabric8s-leaderelector",
                slug("Failover benchmark (real processes, side by side with fabric8's LeaderElector)"));
        assertEquals("singletonjob-options", slug("`@SingletonJob` options"));
        assertEquals("get-jobs", slug("`GET /jobs`"));
        assertEquals("metrics-micrometer-baton_job_runs_total", slug("Metrics (Micrometer, `baton_job_runs_total`)"));
        assertEquals("the-page-see-status", slug("The [page](status-page.md) see **status**"));
    }

    static List<Path> docFiles(Path root) {
        List<Path> files = new ArrayList<>();
        for (String name : List.of("README.md", "CONTRIBUTING.md")) {
            if (Files.isRegularFile(root.resolve(name))) {
                files.add(root.resolve(name));
            }
        }
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> walk = Files.walk(docs)) {
                walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** Each broken link as {@code file:line: target (why)}, in the order met. */
    static List<String> brokenLinks(Path root, List<Path> files) {
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = prose(read(file));
            for (int i = 0; i < lines.size(); i++) {
                for (String target : targets(lines.get(i))) {
                    String why = problem(root, file, target, anchors);
                    if (why != null) {
                        broken.add(root.relativize(file) + ":" + (i + 1) + ": " + target + " (" + why + ")");
                    }
                }
            }
        }
        return broken;
    }

    private static String problem(Path root, Path from, String target, Map<Path, Set<String>> anchors) {
        if (target.isEmpty() || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("//")) {
            return null; // a URL with a scheme (https:, mailto:) is not this test's business
        }
        int hash = target.indexOf('#');
        String pathPart = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
        Path resolved = pathPart.isEmpty() ? from : from.getParent().resolve(pathPart).normalize();
        if (!resolved.startsWith(root)) {
            return "outside the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (!resolved.toString().endsWith(".md")) {
            return null; // GitHub's line anchors (#L10) in source files are not headings
        }
        Set<String> known = anchors.computeIfAbsent(resolved, DocLinksTest::anchorsOf);
        return known.contains(anchor) ? null
                : "no heading '" + anchor + "' in " + root.relativize(resolved).toString().replace('\\', '/');
    }

    /** The anchors GitHub makes for a file's headings (a repeated slug gets -1, -2...) and explicit {@code <a name>}. */
    static Set<String> anchorsOf(Path file) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(read(file))) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
            Matcher explicit = EXPLICIT_ANCHOR.matcher(line);
            while (explicit.find()) {
                anchors.add(explicit.group(1));
            }
        }
        return anchors;
    }

    /** GitHub's heading slug: the rendered text, lower case, only letters, digits, '_', '-' and spaces, spaces as '-'. */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link in a heading: its text
        text = text.replaceAll("<[^>]+>", "");
        StringBuilder slug = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    private static List<String> targets(String line) {
        List<String> targets = new ArrayList<>();
        String text = INLINE_CODE.matcher(line).replaceAll("");
        Matcher inline = INLINE.matcher(text);
        while (inline.find()) {
            targets.add(inline.group(1));
        }
        Matcher reference = REFERENCE.matcher(text);
        if (reference.matches()) {
            targets.add(reference.group(1));
        }
        return targets;
    }

    /**
     * The file's lines with fenced code blanked and HTML comments removed (line numbers kept): a link shown as code or
     * commented out is not a link a reader can follow.
     */
    private static List<String> prose(String content) {
        String uncommented = HTML_COMMENT.matcher(content)
                .replaceAll(m -> "\n".repeat((int) m.group().chars().filter(c -> c == '\n').count()));
        List<String> lines = new ArrayList<>(uncommented.lines().toList());
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            boolean fence = FENCE.matcher(lines.get(i)).find();
            if (fence || fenced) {
                lines.set(i, "");
            }
            if (fence) {
                fenced = !fenced;
            }
        }
        return lines;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
