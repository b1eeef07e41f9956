package dev.baton.examples;

import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The example jobs, under {@code baton.examples.*}: whether they are built in at all, and their schedules. They are
 * not part of Baton, so none of this is in the production {@code JobsConfig}.
 * <p>
 * {@code @Unremovable}: Quarkus registers a mapping only where it is injected, and nothing injects this one (the
 * schedules are read by {@code @Scheduled} expressions). Registered in every build, these keys stay valid and their
 * defaults resolve those expressions whether or not the examples are built in; without it, a build without them
 * would refuse to start on any {@code baton.examples.*} key ("does not map to any root").
 */
@ConfigMapping(prefix = "baton.examples")
@Unremovable
public interface ExamplesConfig {

    /** The build-time switch, as the examples' {@code @IfBuildProperty} names it. */
    String ENABLED = "baton.examples.enabled";

    /**
     * Whether the example jobs are built into the application. Read at build time ({@code @IfBuildProperty} on each
     * example): {@code true} in dev mode ({@code %dev} in application.properties), otherwise set it when building,
     * e.g. {@code ./mvnw package -Dbaton.examples.enabled=true}. Changing it at run time has no effect.
     */
    @WithDefault("false")
    boolean enabled();

    /** The service-wide singleton that logs who holds which Lease; {@code off} unschedules it. */
    @WithName("summary.every")
    @WithDefault("30s")
    String summaryEvery();

    /** The per-job-Lease singleton with catch-up; {@code off} unschedules it. */
    @WithName("report.cron")
    @WithDefault("0 * * * * ?")
    String reportCron();

    /** The per-replica heartbeat; {@code off} unschedules it. */
    @WithName("heartbeat.every")
    @WithDefault("60s")
    String heartbeatEvery();
}
