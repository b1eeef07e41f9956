package dev.baton.scheduling.runtime;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.baton.scheduling.LeaderOnly;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.SkippedExecution;

/**
 * For {@link GracefulShutdownTest}, inert unless its profile sets {@code test.shutdown.every}: a job gated by
 * {@link LeaderOnly} on a replica that never leads (every fire is a skip), a graceful stop after its second skip,
 * and two things that make the race behind the shutdown ERROR happen every time instead of now and then:
 * <ul>
 * <li>a bean whose disposal takes {@code test.shutdown.slow-disposal} (a slow shutdown: the bench's loaded
 * machine), during which the scheduler, still running, would fire the job;</li>
 * <li>a {@code SkippedExecution} observer that, once shutdown began, holds the skip's worker thread until after
 * the container is gone (a worker thread that got no CPU in time), so the event Quarkus fires next lands in a dead
 * container.</li>
 * </ul>
 * Neither is reached when no gated trigger fires after shutdown began.
 */
@Startup
@Singleton
public class ShutdownProbe {

    static final AtomicInteger SKIPS = new AtomicInteger();
    static final AtomicInteger SKIPS_AFTER_SHUTDOWN_BEGAN = new AtomicInteger();
    private static final AtomicBoolean STOPPING = new AtomicBoolean();

    @ConfigProperty(name = "test.shutdown.every", defaultValue = "off")
    String every;

    @ConfigProperty(name = "test.shutdown.held-skip-ms", defaultValue = "0")
    long heldSkipMillis;

    @Scheduled(every = "${test.shutdown.every:off}", identity = "test-shutdown-gated",
            skipExecutionIf = LeaderOnly.class)
    void gated() {
    }

    void skipped(@Observes SkippedExecution skipped) throws InterruptedException {
        if ("off".equals(every) || !"test-shutdown-gated".equals(skipped.getExecution().getTrigger().getId())) {
            return;
        }
        if (STOPPING.get()) {
            SKIPS_AFTER_SHUTDOWN_BEGAN.incrementAndGet();
            System.out.println("ShutdownProbe: a gated fire after shutdown began; holding its worker thread");
            Thread.sleep(heldSkipMillis);
        } else if (SKIPS.incrementAndGet() == 2) {
            Quarkus.asyncExit(); // the graceful path, as SIGTERM's shutdown hook takes it
        }
    }

    // First of all shutdown observers (the default priority is 2500).
    void stopping(@Observes @Priority(1) ShutdownEvent event) {
        STOPPING.set(true);
    }

    /**
     * Application scoped: the container destroys those before the singletons, the scheduler among them, so the
     * scheduler is still firing while this is disposed.
     */
    @Startup
    @ApplicationScoped
    public static class SlowDisposal {

        @ConfigProperty(name = "test.shutdown.every", defaultValue = "off")
        String every;

        @ConfigProperty(name = "test.shutdown.slow-disposal-ms", defaultValue = "0")
        long slowDisposalMillis;

        @PreDestroy
        void slowDisposal() throws InterruptedException {
            if (!"off".equals(every)) {
                System.out.println("ShutdownProbe: slow disposal begins");
                Thread.sleep(slowDisposalMillis);
                System.out.println("ShutdownProbe: slow disposal ends");
            }
        }
    }
}
