package dev.baton.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A replica process whose wall clock is moved, for the {@code SKEW} scenario: Debian's libfaketime preloaded into the
 * JVM ({@code LD_PRELOAD}) with {@code FAKETIME=-330s}, so that every wall-clock read of the process
 * ({@code clock_gettime(CLOCK_REALTIME)}, {@code gettimeofday}) is 330 s behind, while
 * {@code FAKETIME_DONT_FAKE_MONOTONIC=1} leaves its monotonic clock alone, as NTP trouble or a resumed VM would.
 * Installed by {@code apt-get install libfaketime} ({@code .ci/run} does it when missing).
 */
final class SkewedClock {

    /** Where Debian puts the library, per architecture. */
    private static final List<String> PLACES = List.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
            "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1");
    private static final Pattern MEASURED = Pattern.compile(
            "wall clock is off the cluster's by (\\S+ ±\\S+ \\(\\d+ samples?\\))");

    private SkewedClock() {
    }

    /** The library: {@code -Dbench.libfaketime=...}, else Debian's place; empty when it is not installed. */
    static Optional<Path> library() {
        String configured = System.getProperty("bench.libfaketime");
        if (configured != null) {
            return Optional.of(Path.of(configured)).filter(Files::isReadable);
        }
        return PLACES.stream().map(Path::of).filter(Files::isReadable).findFirst();
    }

    /** How far behind the moved clock is: {@code -Dbench.skew-seconds} (330, as in issue 13's test). */
    static Duration lag() {
        return Duration.ofSeconds(Integer.getInteger("bench.skew-seconds", 330));
    }

    /** The environment that moves a process's wall clock by {@code offset} and leaves its monotonic clock. */
    static Map<String, String> environment(Path library, Duration offset) {
        return Map.of("LD_PRELOAD", library.toString(),
                "FAKETIME", (offset.isNegative() ? "" : "+") + offset.toSeconds() + "s",
                "FAKETIME_DONT_FAKE_MONOTONIC", "1",
                // File times are not the question here; leave them true.
                "NO_FAKE_STAT", "1");
    }

    /**
     * {@code command} writing its audit log to the file of a clock {@code offset} ahead ({@link Audit#skewedFileName}),
     * so that the harness puts that process's times back on its own clock.
     */
    static List<String> command(List<String> command, String replica, Duration offset) {
        List<String> moved = new ArrayList<>();
        for (String arg : command) {
            if (arg.startsWith("-Dbaton.bench.audit-file=")) {
                Path audit = Path.of(arg.substring("-Dbaton.bench.audit-file=".length()));
                arg = "-Dbaton.bench.audit-file=" + audit.resolveSibling(Audit.skewedFileName(replica,
                        offset.toSeconds()));
            }
            moved.add(arg);
        }
        return moved;
    }

    /** The offset the replica's log says it measured (its WARN when it found its clock off), if it did. */
    static Optional<String> measured(String log) {
        Matcher m = MEASURED.matcher(log);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
