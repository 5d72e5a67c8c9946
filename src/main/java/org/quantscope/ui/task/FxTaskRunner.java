package org.quantscope.ui.task;

import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.concurrent.Task;
import org.quantscope.core.InputException;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.CancelledException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * The application's {@link TaskRunner}: each job becomes a {@link javafx.concurrent.Task} executed on one daemon thread
 * named {@value #THREAD_NAME}, so jobs run in order and never on the JavaFX thread. Progress and callbacks arrive on
 * the JavaFX thread. Unexpected failures and anything escaping the thread are logged.
 */
public final class FxTaskRunner implements TaskRunner {

    /** Name of the background thread. */
    public static final String THREAD_NAME = "quantscope-worker";

    private static final Logger LOG = LoggerFactory.getLogger(FxTaskRunner.class);

    private final ExecutorService executor = Executors.newSingleThreadExecutor(daemonThreads());

    private static ThreadFactory daemonThreads() {
        return r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> LOG.error("Uncaught exception on {}", th.getName(), e));
            return t;
        };
    }

    @Override
    public <T> RunningTask submit(String name, BackgroundJob<T> job, Consumer<? super T> onSuccess,
                                  Consumer<? super Throwable> onFailure) {
        CancellationToken token = new CancellationToken();
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                token.throwIfCancelled();
                return job.run((done, total, message) -> {
                    if (total > 0) {
                        updateProgress(done, total);
                    } else {
                        updateProgress(-1, 1);
                    }
                    updateMessage(message);
                }, token);
            }
        };
        task.setOnSucceeded(e -> onSuccess.accept(task.getValue()));
        task.setOnFailed(e -> {
            Throwable failure = task.getException();
            if (failure instanceof OutOfMemoryError) {
                // the window keeps running (the analysis's data is garbage now); say what to change
                failure = new InputException(org.quantscope.core.util.MemoryBudget.outOfMemoryMessage(
                        "the memory budget (QUANTSCOPE_MEMORY_MIB)"), failure);
            }
            if (!(failure instanceof InputException) && !(failure instanceof CancelledException)) {
                LOG.error("{} failed", name, failure);
            }
            onFailure.accept(failure);
        });
        executor.execute(task);
        return new FxRunningTask(task, token);
    }

    @Override
    public void publish(Runnable action) {
        javafx.application.Platform.runLater(action);
    }

    @Override
    public void shutdown() {
        executor.shutdownNow();
    }

    /** Adapts a {@link Task} and its token to {@link RunningTask}. */
    private static final class FxRunningTask implements RunningTask {
        private final Task<?> task;
        private final CancellationToken token;

        FxRunningTask(Task<?> task, CancellationToken token) {
            this.task = task;
            this.token = token;
        }

        @Override
        public ReadOnlyDoubleProperty progressProperty() {
            return task.progressProperty();
        }

        @Override
        public ReadOnlyStringProperty messageProperty() {
            return task.messageProperty();
        }

        @Override
        public void cancel() {
            token.cancel();
        }
    }
}
