package dev.baton.sidecar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.baton.LeaderChanged;
import dev.baton.Leadership;
import dev.baton.config.BatonConfig;
import dev.baton.election.ElectionObserver;
import dev.baton.runtime.Elections;
import dev.baton.threads.DaemonThreads;
import io.quarkus.runtime.StartupEvent;

/**
 * Writes the service Lease's leader name to {@code baton.sidecar.leader-file} on every change, for a main
 * container that shares an {@code emptyDir} with the sidecar instead of calling port 4040. The file holds the bare
 * name (empty while nobody leads) and is replaced by a rename, so a reader never sees half a name. Writes run on
 * their own thread and write the name current when they run, so a burst of changes ends with the last one.
 */
@Singleton
public class LeaderFile implements ElectionObserver {

    private static final Logger LOG = Logger.getLogger(LeaderFile.class);

    private final Elections elections;
    private final Leadership leadership;
    private final Path file;
    private final ExecutorService writer;
    private String written;
    private boolean failing;

    LeaderFile(BatonConfig config, Elections elections, Leadership leadership) {
        this.elections = elections;
        this.leadership = leadership;
        this.file = config.sidecar().leaderFile().filter(s -> !s.isBlank()).map(Path::of).orElse(null);
        this.writer = file == null ? null : Executors.newSingleThreadExecutor(DaemonThreads.named("baton-leader-file"));
    }

    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 100) StartupEvent event) {
        if (file != null) {
            LOG.infof("The leader's name is written to %s on every change", file);
            request();
        }
    }

    @Override
    public void leaderChanged(LeaderChanged event) {
        if (file != null && elections.isServiceLease(event.lease())) {
            request();
        }
    }

    @PreDestroy
    void stop() {
        if (writer != null) {
            writer.shutdown();
        }
    }

    private void request() {
        try {
            writer.execute(this::write);
        } catch (RuntimeException e) {
            // shutting down
        }
    }

    private void write() {
        String name = leadership.holder().orElse("");
        if (name.equals(written)) {
            return;
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, name, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            written = name;
            failing = false;
            LOG.debugf("Leader file %s now says '%s'", file, name);
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warnf("Cannot write the leader's name to %s (%s); the election is not affected", file, e);
            }
        }
    }
}
