package dev.baton.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.baton.election.LeaderElector;
import dev.baton.scheduling.records.JobOptions;
import dev.baton.scheduling.records.JobSpec;
import dev.baton.store.InMemoryLeaseStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * The span of a singleton run, as an operator finds it in Jaeger or Tempo: named after the job, with its slot,
 * epoch, replica, trigger, attempt and outcome, the job's own spans under it, and an error status that says why a
 * run did not succeed. Spans go to an in-memory exporter through the OpenTelemetry SDK, as Quarkus's would.
 */
class RunSpansTest {

    private static final Instant SLOT = Instant.parse("2026-12-07T22:00:00Z");

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
    private final Tracer tracer = provider.get("test");
    private final LeadingReplica replica = new LeadingReplica("replica-a", new InMemoryLeaseStore("obs"),
            new SimpleMeterRegistry());

    @AfterEach
    void close() {
        replica.close();
        provider.close();
    }

    @Test
    void aSucceededRunIsOneSpanNamedAfterTheJobWithTheJobsOwnSpansUnderIt() throws Exception {
        JobSpec spec = JobSpec.of("nightly-report", "traced");
        replica.runner.listen(new RunSpans(tracer));
        replica.register(spec, null);
        LeaderElector elector = replica.lead("traced");
        long epoch = elector.currentTerm().orElseThrow().epoch();

        replica.fire(spec, SLOT, () -> {
            tracer.spanBuilder("SELECT ledger").startSpan().end(); // the job's own span, e.g. a database query
            return null;
        });

        SpanData run = only(spansNamed("nightly-report"));
        assertEquals("nightly-report", run.getAttributes().get(AttributeKey.stringKey("baton.job.id")));
        assertEquals(SLOT.toString(), run.getAttributes().get(AttributeKey.stringKey("baton.job.slot")));
        assertEquals(epoch, run.getAttributes().get(AttributeKey.longKey("baton.term.epoch")));
        assertEquals("replica-a", run.getAttributes().get(AttributeKey.stringKey("baton.replica")));
        assertEquals("schedule", run.getAttributes().get(AttributeKey.stringKey("baton.job.trigger")));
        assertEquals(1L, run.getAttributes().get(AttributeKey.longKey("baton.job.attempt")));
        assertEquals("succeeded", run.getAttributes().get(AttributeKey.stringKey("baton.job.outcome")));
        assertEquals(StatusCode.UNSET, run.getStatus().getStatusCode());
        SpanData query = only(spansNamed("SELECT ledger"));
        assertEquals(run.getSpanId(), query.getParentSpanId());
        assertEquals(run.getTraceId(), query.getTraceId());
        assertFalse(Span.current().getSpanContext().isValid(), "the run's span is no longer current after it");
    }

    @Test
    void aFailedRunSaysItsFirstLineOnlyAndEachAttemptIsASpan() throws Exception {
        JobSpec spec = JobSpec.of("ledger-sync", "traced-fail")
                .withOptions(JobOptions.DEFAULTS.withRetries(1, Duration.ofMillis(10)));
        replica.runner.listen(new RunSpans(tracer));
        replica.register(spec, null);
        replica.lead("traced-fail");

        assertThrows(IllegalStateException.class, () -> replica.fire(spec, SLOT, () -> {
            throw new IllegalStateException("ledger unreachable\npassword=never-in-a-span");
        }));

        List<SpanData> attempts = spansNamed("ledger-sync");
        assertEquals(List.of(1L, 2L), attempts.stream()
                .map(s -> s.getAttributes().get(AttributeKey.longKey("baton.job.attempt"))).sorted().toList());
        for (SpanData attempt : attempts) {
            assertEquals("failed", attempt.getAttributes().get(AttributeKey.stringKey("baton.job.outcome")));
            assertEquals(StatusCode.ERROR, attempt.getStatus().getStatusCode());
            assertEquals("failed: java.lang.IllegalStateException: ledger unreachable",
                    attempt.getStatus().getDescription());
        }
    }

    @Test
    void aRunStoppedByItsTimeoutEndsItsSpanWithAnErrorThatSaysSo() throws Exception {
        JobSpec spec = JobSpec.of("slow-export", "traced-timeout")
                .withOptions(JobOptions.DEFAULTS.withTimeout(Duration.ofMillis(200)));
        replica.runner.listen(new RunSpans(tracer));
        replica.register(spec, null);
        replica.lead("traced-timeout");

        assertThrows(InterruptedException.class, () -> replica.fire(spec, SLOT, () -> {
            new CountDownLatch(1).await(); // until interrupted
            return null;
        }));

        SpanData run = only(spansNamed("slow-export"));
        assertEquals("timed_out", run.getAttributes().get(AttributeKey.stringKey("baton.job.outcome")));
        assertEquals(StatusCode.ERROR, run.getStatus().getStatusCode());
        assertEquals("timed_out: stopped because it ran longer than its timeout (PT0.2S)",
                run.getStatus().getDescription());
    }

    @Test
    void aRunStoppedAtItsTermsEndEndsItsSpanWithAnErrorThatSaysSo() throws Exception {
        JobSpec spec = JobSpec.of("handover", "traced-term");
        replica.runner.listen(new RunSpans(tracer));
        replica.register(spec, null);
        LeaderElector elector = replica.lead("traced-term");
        long epoch = elector.currentTerm().orElseThrow().epoch();
        CountDownLatch running = new CountDownLatch(1);
        var pool = Executors.newSingleThreadExecutor();
        try {
            Future<Object> fired = pool.submit(() -> replica.fire(spec, SLOT, () -> {
                running.countDown();
                new CountDownLatch(1).await(); // until interrupted
                return null;
            }));
            assertTrue(running.await(10, TimeUnit.SECONDS));
            elector.releaseNow();
            assertThrows(Exception.class, () -> fired.get(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }

        SpanData run = only(spansNamed("handover"));
        assertEquals("interrupted", run.getAttributes().get(AttributeKey.stringKey("baton.job.outcome")));
        assertEquals(StatusCode.ERROR, run.getStatus().getStatusCode());
        assertTrue(run.getStatus().getDescription().startsWith(
                "interrupted: stopped because its term (epoch " + epoch + ") ended"), run.getStatus().getDescription());
    }

    @Test
    void anAsyncRunsSpanEndsWhenItsStageCompletesNotWhenTheMethodReturns() throws Exception {
        JobSpec spec = JobSpec.of("async-export", "traced-async");
        replica.runner.listen(new RunSpans(tracer));
        replica.register(spec, null);
        replica.lead("traced-async");
        CompletableFuture<Void> work = new CompletableFuture<>();

        Object returned = replica.fire(spec, SLOT, CompletionStage.class, () -> work);
        assertEquals(List.of(), spansNamed("async-export"), "the method returned, its work goes on");
        assertFalse(Span.current().getSpanContext().isValid(), "the run's span is no longer current on this thread");
        work.completeExceptionally(new IllegalStateException("export rejected"));
        assertThrows(Exception.class, () -> ((CompletionStage<?>) returned).toCompletableFuture().get(10,
                TimeUnit.SECONDS));

        SpanData run = only(spansNamed("async-export"));
        assertEquals("failed", run.getAttributes().get(AttributeKey.stringKey("baton.job.outcome")));
        assertEquals("failed: java.lang.IllegalStateException: export rejected", run.getStatus().getDescription());
    }

    @Test
    void aFireThatDoesNotRunHereMakesNoSpan() throws Exception {
        JobSpec spec = JobSpec.of("elsewhere", "traced-nobody");
        replica.runner.listen(new RunSpans(tracer));
        replica.register(spec, null); // no election: this replica never leads

        replica.fire(spec, SLOT, () -> null);

        assertEquals(List.of(), exported.getFinishedSpanItems());
    }

    private List<SpanData> spansNamed(String name) {
        return exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static SpanData only(List<SpanData> spans) {
        assertEquals(1, spans.size(), () -> "spans: " + spans);
        return spans.get(0);
    }
}
