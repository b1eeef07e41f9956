package dev.baton.observability;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.baton.scheduling.runtime.JobManager;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.runtime.StartupEvent;

/**
 * Gives the job runner {@link RunSpans} when the OpenTelemetry SDK is on ({@code quarkus.otel.sdk.disabled=false}
 * at run time, off by default: application.properties). Off, the runner has no listener and its chain no link for
 * it, so a run costs nothing more than before. Set up before Quarkus's scheduler starts its triggers, so that the
 * first runs have spans too. Set-up: docs/tracing.md.
 */
@Singleton
public class RunTracing {

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, JobManager jobs,
            Tracer tracer, @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean off) {
        if (!off) {
            jobs.runner().listen(new RunSpans(tracer));
        }
    }
}
