package dev.baton.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;

import dev.baton.Leadership;
import dev.baton.LeadershipAcquired;
import dev.baton.runtime.Elections;
import io.quarkus.test.junit.QuarkusTest;

/** The test profile, like dev mode, runs on the embedded store and elects itself without any cluster. */
@QuarkusTest
class EmbeddedServiceElectionTest {

    @Inject
    Leadership leadership;

    @Inject
    Elections elections;

    @Inject
    AcquiredEvents events;

    @Test
    void theServiceElectsItselfOnTheEmbeddedStoreAndSaysSo() {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        assertTrue(elections.store().embedded());
        assertEquals(leadership.identity(), leadership.holder().orElseThrow());
        assertTrue(leadership.lease().name().equals("baton-leader"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !events.seen.isEmpty());
        LeadershipAcquired acquired = events.seen.get(0);
        assertEquals(leadership.currentTerm().orElseThrow().epoch(), acquired.epoch());
    }

    @Singleton
    static class AcquiredEvents {
        final List<LeadershipAcquired> seen = new CopyOnWriteArrayList<>();

        void on(@Observes LeadershipAcquired event) {
            seen.add(event);
        }
    }
}
