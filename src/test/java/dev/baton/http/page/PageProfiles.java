package dev.baton.http.page;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The applications the status page's tests start: the jobs of {@link PageJobs} every second, embedded store. */
final class PageProfiles {

    private PageProfiles() {
    }

    static Map<String, String> config() {
        // page-flaky fails every other run on purpose: the scheduler's error log of each would drown the test's.
        return Map.of("test.page.every", "1s",
                "quarkus.log.category.\"io.quarkus.scheduler.common.runtime.StatusEmitterInvoker\".level", "OFF");
    }

    /** The test build: no dev controls, as in prod. */
    public static class TestBuild implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return PageProfiles.config();
        }
    }

    /**
     * The dev build, as {@code ./mvnw quarkus:dev} builds it, so the dev controls exist; the test profile last, so
     * its keys win (a random port, the example jobs off).
     */
    public static class DevBuild implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "dev,test";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return PageProfiles.config();
        }
    }
}
