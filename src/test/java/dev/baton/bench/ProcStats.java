package dev.baton.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says about a process in {@code /proc/<pid>}: its threads, resident memory and CPU time. Each returns -1
 * when the process is gone or the system is not Linux.
 */
final class ProcStats {

    private static volatile long clockTicks;

    private ProcStats() {
    }

    /** {@code Threads:} of {@code /proc/<pid>/status}. */
    static int threads(long pid) {
        return (int) statusField(pid, "Threads:");
    }

    /** {@code VmRSS:} of {@code /proc/<pid>/status}, in kB. */
    static long rssKb(long pid) {
        return statusField(pid, "VmRSS:");
    }

    /** utime + stime of {@code /proc/<pid>/stat}, in clock ticks ({@link #clockTicksPerSecond()}). */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15; f[0] is field 3
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code getconf CLK_TCK} (100 on every Linux seen so far, but the kernel may say otherwise). */
    static long clockTicksPerSecond() {
        long t = clockTicks;
        if (t > 0) {
            return t;
        }
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            t = Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            t = 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t = 100;
        }
        clockTicks = t;
        return t;
    }

    private static long statusField(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return -1;
    }
}
