package org.quantscope.ui.task;

import java.util.function.Consumer;

/**
 * Runs long work for view models, so the JavaFX thread never waits on computation. {@link FxTaskRunner} runs jobs one
 * after another on a background thread and calls back on the JavaFX thread; {@link CurrentThreadTaskRunner} runs them
 * synchronously, for view-model tests.
 */
public interface TaskRunner {

    /**
     * Submits a job. Jobs run one at a time, in submission order.
     *
     * @param name      what the job does, for logs and thread diagnostics (e.g. {@code "Load model"})
     * @param job       the work
     * @param onSuccess receives the result, on the UI thread
     * @param onFailure receives the failure (including {@link org.quantscope.core.util.CancelledException} after a
     *                  cancel), on the UI thread
     * @param <T>       the result type
     * @return a handle for progress and cancellation
     */
    <T> RunningTask submit(String name, BackgroundJob<T> job, Consumer<? super T> onSuccess,
                           Consumer<? super Throwable> onFailure);

    /**
     * Hands a partial result of a running job to the UI: {@code action} runs on the JavaFX thread
     * ({@link FxTaskRunner}) or at once ({@link CurrentThreadTaskRunner}). Jobs call this instead of touching the
     * JavaFX thread themselves, so view-model tests see the same partial results as the window.
     *
     * @param action what to do with the partial result (applies it to UI state)
     */
    void publish(Runnable action);

    /** Stops accepting jobs and lets the background thread end; running work is cancelled where possible. */
    void shutdown();
}
