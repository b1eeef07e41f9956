package dev.baton.scheduling.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.baton.scheduling.SingletonJob;
import dev.baton.scheduling.SingletonJob.CatchUp;
import dev.baton.scheduling.records.CronSlots;
import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.scheduling.run.JobRunner;
import dev.baton.scheduling.run.RunnerSettings;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/** Bad declarations fail start-up with a message that names the method and the fix; good ones are read right. */
class JobDiscoveryTest {

    // Declared as values, not on methods: Quarkus indexes test classes, and a real @Scheduled with a bad cron here
    // would fail every @QuarkusTest's build.
    static final String WHERE = "com.example.Jobs#";

    static Scheduled every(String every) {
        return annotation(Scheduled.class, Map.of("every", every));
    }

    static Scheduled cron(String cron) {
        return annotation(Scheduled.class, Map.of("cron", cron));
    }

    static SingletonJob singleton(Map<String, Object> values) {
        return annotation(SingletonJob.class, values);
    }

    /** An annotation instance with the given members and the declared defaults for the rest. */
    @SuppressWarnings("unchecked")
    static <A extends Annotation> A annotation(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, m, args) -> {
            if (m.getName().equals("annotationType")) {
                return type;
            }
            if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("toString") ? "@" + type.getSimpleName() + values : null;
            }
            return values.containsKey(m.getName()) ? values.get(m.getName()) : m.getDefaultValue();
        });
    }

    static JobSpec spec(String method, SingletonJob singleton, List<Scheduled> schedules, Class<?> returns) {
        return JobDiscovery.spec(WHERE + method, "Jobs." + method, singleton, schedules, returns, "baton-leader",
                "quartz");
    }

    static JobSpec spec(String method, SingletonJob singleton, Scheduled schedule) {
        return spec(method, singleton, List.of(schedule), void.class);
    }

    static String failure(String method, SingletonJob singleton, List<Scheduled> schedules, Class<?> returns) {
        return assertThrows(IllegalStateException.class, () -> spec(method, singleton, schedules, returns))
                .getMessage();
    }

    static String failure(String method, SingletonJob singleton, Scheduled schedule) {
        return failure(method, singleton, List.of(schedule), void.class);
    }

    @Test
    void aGoodDeclarationIsReadAsQuarkusReadsIt() {
        JobSpec s = spec("good", singleton(Map.of("lease", "hourly-job", "catchUp", CatchUp.RUN_LATEST,
                "startingDeadline", "10m")), annotation(Scheduled.class, Map.of("cron", "0 15 * * * ?",
                        "identity", "hourly")));
        assertEquals("hourly", s.id());
        assertEquals("hourly-job", s.leaseName());
        assertEquals(CatchUp.RUN_LATEST, s.catchUp());
        assertEquals(Optional.of(Duration.ofMinutes(10)), s.startingDeadline());
        assertEquals("baton.dev/job.hourly", s.recordKey());
        JobSpec d = spec("defaults", singleton(Map.of()), every("10s"));
        assertEquals("Jobs.defaults", d.id());
        assertEquals("baton-leader", d.leaseName(), "no lease means the service-wide Lease");
        assertEquals("every 10s", d.schedule());
        assertEquals("off", spec("off", singleton(Map.of("catchUp", CatchUp.RUN_LATEST)), cron("off")).schedule(),
                "a job switched off is not refused");
    }

    @Test
    void aSpreadJobGoesToTheShardItsIdNamesAndCannotAlsoHaveALease() {
        JobSpec s = spec("spread", singleton(Map.of("spread", true)), annotation(Scheduled.class,
                Map.of("cron", "0 * * * * ?", "identity", "api-0000")));
        assertEquals("baton-leader-shard-06", s.leaseName(), "sha256(\"api-0000\") mod 12 is 6");
        assertTrue(failure("both", singleton(Map.of("spread", true, "lease", "mine")), every("10s"))
                .contains(WHERE + "both: spread = true and lease = \"mine\" exclude each other"));
    }

    @Test
    void badDeclarationsFailNamingTheMethod() {
        SingletonJob plain = singleton(Map.of());
        SingletonJob catchUp = singleton(Map.of("catchUp", CatchUp.RUN_LATEST));
        assertTrue(failure("notScheduled", plain, List.of(), void.class)
                .contains(WHERE + "notScheduled needs @Scheduled"));
        assertTrue(failure("catchUpWithoutCron", catchUp, every("10s"))
                .contains("use a cron schedule or catchUp = SKIP"));
        String badLease = failure("badLease", singleton(Map.of("lease", "Bad_Lease")), every("10s"));
        assertTrue(badLease.contains(WHERE + "badLease") && badLease.contains("'Bad_Lease'"), badLease);
        assertTrue(failure("badIdentity", plain, annotation(Scheduled.class, Map.of("every", "10s", "identity",
                "an identity with spaces that is also far too long for any annotation name")))
                .contains("set @Scheduled(identity = ...)"));
        assertTrue(failure("twoSchedules", catchUp, List.of(cron("0 * * * * ?"), cron("30 * * * * ?")), void.class)
                .contains("needs exactly one cron schedule"));
        assertTrue(failure("reactiveCatchUp", catchUp, List.of(cron("0 * * * * ?")), Uni.class)
                .contains("needs a blocking method"));
        assertTrue(failure("badCron", plain, cron("not a cron")).contains(WHERE + "badCron"));
        assertTrue(failure("badDeadline", singleton(Map.of("startingDeadline", "soon")), cron("0 * * * * ?"))
                .contains(WHERE + "badDeadline"));
    }

    @Test
    void optionsAreReadAndBadOnesFailNamingTheMethod() {
        JobSpec s = spec("options", singleton(Map.of("retries", 3, "retryBackoff", "30s", "timeout", "5m",
                "overlap", SingletonJob.Overlap.ALLOW)), every("10m"));
        assertEquals(new JobOptions(3, Duration.ofSeconds(30), Optional.of(Duration.ofMinutes(5)),
                SingletonJob.Overlap.ALLOW), s.options());
        assertEquals(Optional.of(Duration.ofMinutes(10)), s.every(), "retries are bounded by the next slot");
        assertEquals(JobOptions.DEFAULTS, spec("plain", singleton(Map.of()), every("10s")).options());

        String negative = failure("negativeRetries", singleton(Map.of("retries", -1)), every("10s"));
        assertTrue(negative.contains(WHERE + "negativeRetries") && negative.contains("retries"), negative);
        String backoff = failure("badBackoff", singleton(Map.of("retries", 2, "retryBackoff", "soon")), every("10s"));
        assertTrue(backoff.contains(WHERE + "badBackoff") && backoff.contains("retryBackoff 'soon'"), backoff);
        assertTrue(failure("zeroBackoff", singleton(Map.of("retries", 2, "retryBackoff", "0s")), every("10s"))
                .contains(WHERE + "zeroBackoff"));
        String timeout = failure("badTimeout", singleton(Map.of("timeout", "forever")), every("10s"));
        assertTrue(timeout.contains(WHERE + "badTimeout") && timeout.contains("timeout 'forever'"), timeout);
        assertTrue(failure("zeroTimeout", singleton(Map.of("timeout", "0s")), every("10s"))
                .contains(WHERE + "zeroTimeout"));
        String reactive = failure("reactiveRetries", singleton(Map.of("retries", 1)), List.of(every("10s")),
                Uni.class);
        assertTrue(reactive.contains(WHERE + "reactiveRetries") && reactive.contains("needs a blocking method"),
                reactive);
        assertEquals(Optional.of(Duration.ofSeconds(1)), spec("reactiveTimeout", singleton(Map.of("timeout", "1s")),
                List.of(every("10s")), Uni.class).options().timeout(), "a Uni can time out (it is cancelled)");
    }


    @Test
    void twoJobsWithOneIdAreRefused() {
        JobRunner runner = new JobRunner(RunnerSettings.of("a", lease -> null)
                .withWriteTimeout(Duration.ofSeconds(1)));
        runner.register(JobSpec.of("same", "lease-a"), slot -> null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner.register(JobSpec.of("same", "lease-b"), slot -> null));
        assertTrue(e.getMessage().contains("Two singleton jobs have the id same"));
    }

    @Test
    void cronSlotsAreTheWholeSecondsQuarkusFires() {
        CronSlots minutely = new CronSlots("0 * * * * ?", "quartz", java.time.ZoneOffset.UTC);
        assertEquals(Instant.parse("2026-01-01T10:05:00Z"),
                minutely.latestAtOrBefore(Instant.parse("2026-01-01T10:05:00Z")).orElseThrow());
        assertEquals(Instant.parse("2026-01-01T10:05:00Z"),
                minutely.latestAtOrBefore(Instant.parse("2026-01-01T10:05:59.900Z")).orElseThrow());
        assertEquals(Instant.parse("2026-01-01T10:06:00Z"),
                minutely.next(Instant.parse("2026-01-01T10:05:00Z")).orElseThrow());
    }
}
