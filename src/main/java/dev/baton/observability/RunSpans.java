package dev.baton.observability;

import java.util.Locale;

import dev.baton.scheduling.records.JobRecord;
import dev.baton.scheduling.records.JobRecord.Outcome;
import dev.baton.scheduling.telemetry.RunListener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * A span per singleton run (each attempt of a job that retries), named after the job, current while its method
 * runs so that the method's own spans (HTTP calls, database queries) are its children. It starts when the run
 * begins, after the checks and writes that decide it happens, and ends when {@code RunEnd} decided the outcome:
 * for a {@code Uni} or stage job, when that completes. Attributes:
 * <ul>
 * <li>{@value #JOB_ID} the job's id, {@value #SLOT} the slot (ISO-8601), {@value #EPOCH} the term's epoch,
 * {@value #REPLICA} this replica, {@value #TRIGGER} {@code schedule}, {@code catch-up} or {@code manual},
 * {@value #ATTEMPT} from 1;</li>
 * <li>{@value #OUTCOME} at the end: {@code succeeded}, {@code failed}, {@code interrupted} (its term ended or the
 * application drained) or {@code timed_out}, the words of {@code baton_job_runs_total}.</li>
 * </ul>
 * Anything but a success ends the span with an error status that says why: the failure's first line (as the
 * record keeps it, cut short, never a stack trace or its causes, which may carry secrets), or the reason the run
 * was stopped ({@code its term (epoch 3) ended: ...}, {@code it ran longer than its timeout (PT5S)}).
 */
public final class RunSpans implements RunListener {

    static final String JOB_ID = "baton.job.id";
    static final String SLOT = "baton.job.slot";
    static final String EPOCH = "baton.term.epoch";
    static final String REPLICA = "baton.replica";
    static final String TRIGGER = "baton.job.trigger";
    static final String ATTEMPT = "baton.job.attempt";
    static final String OUTCOME = "baton.job.outcome";

    private final Tracer tracer;

    public RunSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Watch begins(Begun run) {
        // The parent is whatever is current: a span of Quarkus's scheduler when its tracing is on, else none.
        Span span = tracer.spanBuilder(run.job()).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(JOB_ID, run.job())
                .setAttribute(SLOT, run.slot().toString())
                .setAttribute(AttributeKey.longKey(EPOCH), run.epoch())
                .setAttribute(REPLICA, run.replica())
                .setAttribute(TRIGGER, run.trigger().value)
                .setAttribute(AttributeKey.longKey(ATTEMPT), (long) run.attempt())
                .startSpan();
        Scope scope = span.makeCurrent();
        return new Watch() {
            @Override
            public void left() {
                scope.close();
            }

            @Override
            public void ended(JobRecord record, String stopReason) {
                span.setAttribute(OUTCOME, record.outcome().name().toLowerCase(Locale.ROOT));
                if (record.outcome() != Outcome.SUCCEEDED) {
                    span.setStatus(StatusCode.ERROR, why(record, stopReason));
                }
                span.end();
            }
        };
    }

    /** What an unsuccessful run's status says. */
    static String why(JobRecord record, String stopReason) {
        String outcome = record.outcome().name().toLowerCase(Locale.ROOT);
        if (stopReason != null) {
            return outcome + ": stopped because " + stopReason;
        }
        return record.error() == null ? outcome : outcome + ": " + record.error();
    }
}
