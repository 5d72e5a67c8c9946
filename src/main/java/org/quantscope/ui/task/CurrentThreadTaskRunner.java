package org.quantscope.ui.task;

import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.quantscope.core.util.CancellationToken;

import java.util.function.Consumer;

/**
 * A {@link TaskRunner} that runs each job at once on the calling thread and calls back before {@link #submit}
 * returns. For view-model tests: no JavaFX toolkit and no waiting needed. A token can be cancelled in advance with
 * {@link #cancelNextJob()} to test the cancel path.
 */
public final class CurrentThreadTaskRunner implements TaskRunner {

    private boolean cancelNext;
    private int jobsRun;

    /** Makes the next submitted job start with an already cancelled token. */
    public void cancelNextJob() {
        cancelNext = true;
    }

    /** Number of jobs run so far. */
    public int jobsRun() {
        return jobsRun;
    }

    @Override
    public <T> RunningTask submit(String name, BackgroundJob<T> job, Consumer<? super T> onSuccess,
                                  Consumer<? super Throwable> onFailure) {
        CancellationToken token = new CancellationToken();
        ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(-1);
        ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
        RunningTask handle = new RunningTask() {
            @Override
            public ReadOnlyDoubleProperty progressProperty() {
                return progress.getReadOnlyProperty();
            }

            @Override
            public ReadOnlyStringProperty messageProperty() {
                return message.getReadOnlyProperty();
            }

            @Override
            public void cancel() {
                token.cancel();
            }
        };
        if (cancelNext) {
            cancelNext = false;
            token.cancel();
        }
        jobsRun++;
        T result;
        try {
            token.throwIfCancelled();
            result = job.run((done, total, msg) -> {
                progress.set(total > 0 ? (double) done / total : -1);
                message.set(msg);
            }, token);
        } catch (Exception e) {
            onFailure.accept(e);
            return handle;
        }
        onSuccess.accept(result);
        return handle;
    }

    @Override
    public void publish(Runnable action) {
        action.run();
    }

    @Override
    public void shutdown() {
        // nothing runs in the background
    }
}
