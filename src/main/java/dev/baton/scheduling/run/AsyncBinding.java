package dev.baton.scheduling.run;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.smallrye.mutiny.Uni;

/**
 * Binds a job's returned {@code Uni} or {@code CompletionStage} to its run: the run ends when the job's own work
 * ends (not when the method returns), and the caller's result fails with a {@link CancellationException} the moment
 * the run is stopped. The method's thread is let go at once, so it is never interrupted for an async job.
 */
final class AsyncBinding {

    private AsyncBinding() {
    }

    /** True for results this class binds. */
    static boolean isAsync(Object result) {
        return result instanceof Uni<?> || result instanceof CompletionStage<?>;
    }

    /**
     * @param result the method's {@code Uni} or {@code CompletionStage}
     * @param run its run
     * @param end called once with the failure (null on success) when the job's own work ends
     * @return what the caller gets instead of {@code result}
     */
    static Object bind(Object result, Run run, Consumer<Throwable> end) {
        run.detachThread();
        if (result instanceof Uni<?> uni) {
            return bindUni(uni, run, end);
        }
        return bindStage((CompletionStage<?>) result, run, end);
    }

    /** Cancelling the combination cancels the job's Uni; the run ends by the job's own Uni, not by the combination. */
    private static Object bindUni(Uni<?> uni, Run run, Consumer<Throwable> end) {
        Uni<String> stopped = Uni.createFrom().completionStage(run.stopped)
                .onItem().failWith(why -> new CancellationException("singleton run stopped: " + why));
        @SuppressWarnings("unchecked")
        Uni<Object> job = ((Uni<Object>) uni).onTermination().invoke((item, failure, cancelled) -> end.accept(
                cancelled ? new CancellationException("subscription cancelled") : failure));
        return Uni.combine().any().of(job, stopped.onItem().castTo(Object.class));
    }

    /**
     * Cancelling a stage is only a request (a derived future may complete while the work goes on): the run stays
     * registered until the job's own stage completes, so a drain sees it and keeps the Lease.
     */
    private static Object bindStage(CompletionStage<?> stage, Run run, Consumer<Throwable> end) {
        stage.whenComplete((v, failure) -> end.accept(failure));
        CompletableFuture<Object> returned = new CompletableFuture<>();
        stage.whenComplete((v, failure) -> {
            if (failure != null) {
                returned.completeExceptionally(failure);
            } else {
                returned.complete(v);
            }
        });
        run.onStop(() -> {
            returned.completeExceptionally(new CancellationException("singleton run stopped: " + run.stopReason));
            try {
                stage.toCompletableFuture().cancel(true);
            } catch (UnsupportedOperationException e) {
                // a stage that offers no future to cancel: the caller is told, the work runs its course
            }
        });
        return returned;
    }
}
