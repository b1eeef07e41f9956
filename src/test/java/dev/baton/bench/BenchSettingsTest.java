package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark reads the image's JVM options as the Dockerfile's file lists them. */
class BenchSettingsTest {

    @Test
    void jvmOptionsAreOnePerLineWithoutCommentsOrBlankLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jvm.options");
        Files.writeString(file, """
                # heap: measured, see the Dockerfile
                -Xmx96m

                -XX:+UseSerialGC   # one GC thread
                  -XX:TieredStopAtLevel=1
                """);
        assertEquals(List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                BenchSettings.readJvmOptions(file));
    }
}
