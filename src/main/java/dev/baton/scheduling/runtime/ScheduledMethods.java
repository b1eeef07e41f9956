package dev.baton.scheduling.runtime;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.baton.scheduling.LeaderOnly;
import io.quarkus.scheduler.Scheduled;

/**
 * The {@code @Scheduled} declarations of the application's methods, read once: from every bean class when
 * {@link JobManager} discovers the jobs at start-up, so that {@code GET /jobs} never reflects on a request. Keyed
 * like Quarkus's {@code Trigger#getMethodDescription()} ({@code fully.qualified.Class#method}); the declarations of
 * overloads of one name are read together, as the trigger does not tell them apart.
 */
public final class ScheduledMethods {

    private final Map<String, List<Scheduled>> byMethod = new ConcurrentHashMap<>();
    private final Set<Class<?>> read = ConcurrentHashMap.newKeySet();

    /** Reads the {@code @Scheduled} methods declared by {@code beanClass} and its superclasses. */
    void readBeanClass(Class<?> beanClass) {
        for (Class<?> c = beanClass; c != null && c != Object.class; c = c.getSuperclass()) {
            if (!read.add(c)) {
                return; // read already, with its superclasses
            }
            Map<String, List<Scheduled>> declared = new HashMap<>();
            for (Method m : c.getDeclaredMethods()) {
                Scheduled[] schedules = m.getAnnotationsByType(Scheduled.class);
                if (schedules.length > 0) {
                    declared.computeIfAbsent(JobDiscovery.describe(m), k -> new ArrayList<>())
                            .addAll(Arrays.asList(schedules));
                }
            }
            declared.forEach((method, schedules) -> byMethod.put(method, List.copyOf(schedules)));
        }
    }

    /**
     * The schedule of {@code method} as people read it ({@code cron 0 * * * * ?}, {@code every 10s}; several joined
     * by a comma), its {@code ${...}} values taken from the configuration; {@code unknown} when it declares none.
     */
    public String schedule(String method) {
        return of(method).stream()
                .map(s -> !s.cron().isEmpty() ? "cron " + resolveOrKeep(s.cron()) : "every " + resolveOrKeep(s.every()))
                .reduce((a, b) -> a + ", " + b).orElse("unknown");
    }

    /** True when a {@code @Scheduled} of {@code method} skips unless {@link LeaderOnly} lets it run. */
    public boolean gatedByLeaderOnly(String method) {
        return of(method).stream().anyMatch(s -> s.skipExecutionIf() == LeaderOnly.class);
    }

    /**
     * The declarations of {@code method}. One not met at start-up (a scheduled method outside any bean, e.g. a
     * static one) is read by its class name the first time it is asked for, and kept.
     */
    private List<Scheduled> of(String method) {
        List<Scheduled> found = byMethod.get(method);
        return found != null ? found : byMethod.computeIfAbsent(method, ScheduledMethods::readByName);
    }

    private static List<Scheduled> readByName(String method) {
        int hash = method.indexOf('#');
        try {
            Class<?> c = Class.forName(method.substring(0, hash), false, Thread.currentThread().getContextClassLoader());
            String name = method.substring(hash + 1);
            List<Scheduled> found = new ArrayList<>();
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name)) {
                    found.addAll(Arrays.asList(m.getAnnotationsByType(Scheduled.class)));
                }
            }
            return List.copyOf(found);
        } catch (ClassNotFoundException | RuntimeException e) {
            return List.of();
        }
    }

    /** As the scheduler reads it; a reference that cannot be resolved is shown as written. */
    private static String resolveOrKeep(String value) {
        try {
            return ScheduleValues.isConfigValue(value) ? ScheduleValues.lookUp(value) : value;
        } catch (RuntimeException e) {
            return value;
        }
    }
}
