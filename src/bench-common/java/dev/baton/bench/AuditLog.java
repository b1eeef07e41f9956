package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One replica's audit trail: one space-separated line per job run or leadership change, times in epoch
 * milliseconds. All replicas share the machine's clock, so the harness can line their files up.
 * <p>
 * Formats (parsed by the harness):
 * <pre>
 * run      replica epoch slot start end outcome catchUp
 * acquired replica epoch at
 * lost     replica epoch at reason
 * </pre>
 */
public final class AuditLog {

    private final Path file;

    public AuditLog(Path file) {
        this.file = file;
    }

    public void run(String replica, long epoch, long slot, long start, long end, SinkOutcome outcome,
            boolean catchUp) {
        append("run " + replica + " " + epoch + " " + slot + " " + start + " " + end + " " + outcome + " " + catchUp);
    }

    public void acquired(String replica, long epoch, long at) {
        append("acquired " + replica + " " + epoch + " " + at);
    }

    public void lost(String replica, long epoch, long at, String reason) {
        append("lost " + replica + " " + epoch + " " + at + " " + reason);
    }

    // One write per line with O_APPEND: a crash loses at most the line being written, never mixes two.
    private synchronized void append(String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to the bench audit log " + file, e);
        }
    }
}
