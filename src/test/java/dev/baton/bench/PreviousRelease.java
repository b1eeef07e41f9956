package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * The previous release for the ROLL scenario: the commit named in {@link #NAMED_IN}, built from this clone's own
 * history (no download, no registry) into {@code target/previous-release/<commit>/}: {@code git archive} of the
 * commit, then that tree's own {@code ./mvnw -Pbench -DskipTests verify}, which packages it and builds its
 * benchmark application ({@code target/bench-app}, the job the harness audits) with its AppCDS archive, and runs no
 * test. A build already there for the same commit is used again.
 * <p>
 * Not run, and said why, when the commit cannot be had: a source archive without {@code .git}, or a shallow clone
 * (CI checkouts often fetch one commit) that lacks it. A build that fails is an error, not a reason to skip: the
 * named release must build.
 */
final class PreviousRelease {

    private static final Logger LOG = Logger.getLogger(PreviousRelease.class);

    /** The one file that names the previous release. */
    static final Path NAMED_IN = Path.of("src/bench/previous-release.txt");
    /** The previous release's benchmark application, relative to its tree. */
    static final Path BENCH_JAR = Path.of("target/bench-app/quarkus-app/quarkus-run.jar");
    static final long BUILD_TIMEOUT_MINUTES = 30;

    /**
     * The previous release ready to run, or why not.
     *
     * @param commit the full commit id
     * @param jar its benchmark application; null when not run
     * @param buildMs how long building it took here; -1 when a build already there was used
     * @param notRun why the scenario cannot run; null when it can
     */
    record Release(String commit, Path jar, long buildMs, String notRun) {

        String shortCommit() {
            return commit == null ? "?" : commit.substring(0, Math.min(7, commit.length()));
        }
    }

    private PreviousRelease() {
    }

    /** The commit named in {@code file}: its first line that is neither blank nor a {@code #} comment. */
    static String commitNamedIn(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst()
                    .filter(l -> l.matches("[0-9a-f]{40}"))
                    .orElseThrow(() -> new IllegalStateException(file + " names no commit: its first line that is "
                            + "not a comment must be a full commit id (git rev-parse <release>)"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Builds the named release under {@code out} (or finds it built), or says why it cannot. */
    static Release prepare(Path project, Path out) {
        String commit = commitNamedIn(project.resolve(NAMED_IN));
        if (run(project, List.of("git", "rev-parse", "--git-dir"), null) != 0) {
            return notRun(commit, "this tree is not a git clone, so the previous release (" + commit
                    + ", named in " + NAMED_IN + ") cannot be built from its history");
        }
        if (run(project, List.of("git", "cat-file", "-e", commit + "^{commit}"), null) != 0) {
            boolean shallow = run(project, List.of("sh", "-c",
                    "test \"$(git rev-parse --is-shallow-repository)\" = true"), null) == 0;
            return notRun(commit, (shallow ? "this clone is shallow and lacks " : "this clone's history lacks ")
                    + commit + " (named in " + NAMED_IN + "); clone with full history (git fetch --unshallow; "
                    + "actions/checkout: fetch-depth: 0)");
        }
        Path tree = out.resolve(commit.substring(0, 12));
        Path jar = tree.resolve(BENCH_JAR);
        if (Files.exists(jar)) {
            LOG.infof("ROLL: the previous release %s is already built in %s", commit, tree);
            return new Release(commit, jar, -1, null);
        }
        long began = System.nanoTime();
        deleteRecursively(tree);
        createDirectories(tree);
        Path log = out.resolve(commit.substring(0, 12) + ".build.log");
        LOG.infof("ROLL: building the previous release %s in %s (log: %s)", commit, tree, log);
        if (run(project, List.of("sh", "-c", "git archive --format=tar " + commit + " | tar -x -C '" + tree + "'"),
                log) != 0) {
            throw new IllegalStateException("git archive of " + commit + " failed; see " + log);
        }
        List<String> mvn = new ArrayList<>(List.of("./mvnw", "-B", "-q", "-Pbench", "-DskipTests"));
        // e.g. -Dbench.previous.maven-args=-o when this build runs offline.
        String extra = System.getProperty("bench.previous.maven-args", "").trim();
        if (!extra.isEmpty()) {
            mvn.addAll(List.of(extra.split("\\s+")));
        }
        mvn.add("verify");
        if (run(tree, mvn, log) != 0 || !Files.exists(jar)) {
            throw new IllegalStateException("The previous release " + commit + " did not build (" + String.join(" ",
                    mvn) + " in " + tree + "); see " + log);
        }
        long ms = (System.nanoTime() - began) / 1_000_000;
        LOG.infof("ROLL: the previous release %s built in %d s", commit, ms / 1000);
        return new Release(commit, jar, ms, null);
    }

    private static Release notRun(String commit, String why) {
        LOG.warnf("ROLL not run: %s", why);
        return new Release(commit, null, -1, why);
    }

    /** Runs {@code command} in {@code dir}, output appended to {@code log} (discarded when null); its exit code. */
    private static int run(Path dir, List<String> command, Path log) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD
                    : ProcessBuilder.Redirect.appendTo(log.toFile()));
            Process p = pb.start();
            if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1; // no git, no sh: the callers say what could not be done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
