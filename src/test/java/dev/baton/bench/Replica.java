package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One replica process the harness started, and the signals it can send it. Every process ever started is also
 * killed by a JVM shutdown hook, so an aborted run leaves nothing behind.
 */
final class Replica {

    private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Replica::killAll, "bench-kill-replicas"));
    }

    private final String name;
    private final List<String> command;
    private final Path log;
    private final CutProxy proxy;
    private Process process;
    private long startedAt;
    private long logOffset;

    Replica(String name, List<String> command, Path log, CutProxy proxy) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.proxy = proxy;
    }

    String name() {
        return name;
    }

    /** The command it is started with by default. */
    List<String> command() {
        return command;
    }

    /**
     * Its log since its latest start. The offset is in bytes (the file's size at the start), so the log is cut as
     * bytes and then decoded: a character taking several bytes (a log line's '±') would shift a cut made in chars.
     */
    String logSinceStart() {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            byte[] bytes = Files.readAllBytes(log);
            int from = (int) Math.min(logOffset, bytes.length);
            return new String(bytes, from, bytes.length - from, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    CutProxy proxy() {
        return proxy;
    }

    /** Wall-clock time of the latest start. */
    long startedAt() {
        return startedAt;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    void start() {
        start(command, Map.of());
    }

    /** Starts it with another command and more environment (the SKEW scenario's moved clock). */
    void start(List<String> command, Map<String, String> environment) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("POD_NAME", name);
            pb.environment().putAll(environment);
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            startedAt = System.currentTimeMillis();
            process = pb.start();
            STARTED.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start replica " + name, e);
        }
    }

    /** Whether the replica's log since its latest start contains the text (e.g. its start-up line). */
    boolean logContains(String text) {
        return logSinceStart().contains(text);
    }

    /** SIGTERM: a graceful stop (Kubernetes' first step when deleting a pod). */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL. */
    void kill() {
        process.destroyForcibly();
    }

    void freeze() {
        signal("STOP");
    }

    void thaw() {
        signal("CONT");
    }

    /** Waits for the process to exit; kills it if it has not within the bound. */
    void awaitExit(Duration bound) {
        try {
            if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Resident set size in kB from /proc, or -1 when not available. */
    long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills (SIGCONT first, so a frozen one can die) every process the harness started. */
    static void killAll() {
        for (Process p : STARTED) {
            if (p.isAlive()) {
                try {
                    new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor(2, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    // SIGKILL works on a stopped process anyway
                }
                p.destroyForcibly();
            }
        }
    }
}
