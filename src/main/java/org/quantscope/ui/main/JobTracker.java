package org.quantscope.ui.main;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.StringProperty;
import org.quantscope.core.InputException;
import org.quantscope.core.util.CancelledException;
import org.quantscope.ui.task.BackgroundJob;
import org.quantscope.ui.task.RunningTask;
import org.quantscope.ui.task.TaskRunner;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Runs the view model's jobs one at a time through a {@link TaskRunner} and turns them into UI state: busy flag,
 * progress, progress message, status line, and a {@link UserMessage} for every failure (none for a cancel). A failed or
 * cancelled job changes nothing else, so whatever was open stays open.
 */
public final class JobTracker {

    private final TaskRunner runner;
    private final StringProperty status;
    private final Consumer<UserMessage> messages;
    final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    final ReadOnlyStringWrapper progressMessage = new ReadOnlyStringWrapper("");
    private Job current;

    /**
     * @param runner   where jobs run
     * @param status   the status line to update
     * @param messages receives failure messages for the user
     */
    JobTracker(TaskRunner runner, StringProperty status, Consumer<UserMessage> messages) {
        this.runner = runner;
        this.status = status;
        this.messages = messages;
    }

    /**
     * Refuses to start anything while a job runs, telling the user why.
     *
     * @return true when busy (the caller should stop)
     */
    public boolean refuseWhileBusy() {
        if (current != null) {
            messages.accept(new UserMessage("QuantScope is busy", current.name + " is still running. Wait until it "
                    + "finishes or press Cancel, then try again."));
            return true;
        }
        return false;
    }

    /**
     * Starts a job.
     *
     * @param name         what it does, for the status line, e.g. {@code "Evaluating FP32 accuracy"}
     * @param job          the work (runs off the UI thread)
     * @param onSuccess    applies the result (UI thread)
     * @param failureTitle dialog title if it fails, e.g. {@code "Cannot open model"}
     * @param <T>          result type
     * @return completes on the UI thread after {@code onSuccess} has applied the result, or exceptionally with the
     *         failure (a {@link CancelledException} after a cancel) after it was reported: later steps chain on it
     */
    public <T> CompletionStage<T> run(String name, BackgroundJob<T> job, Consumer<T> onSuccess,
                                      String failureTitle) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Job j = new Job(name);
        current = j;
        busy.set(true);
        status.set(name + "…");
        RunningTask handle = runner.submit(name, job, result -> {
            j.finish();
            onSuccess.accept(result);
            done.complete(result);
        }, failure -> {
            j.finish();
            report(failureTitle, failure);
            done.completeExceptionally(failure);
        });
        j.attach(handle);
        return done;
    }

    /**
     * A step that did not start (nothing to work on, settings to fix, busy): the user was told why; a chain of steps
     * stops here.
     *
     * @param why what was said to the user
     * @param <T> result type
     * @return an exceptionally completed stage
     */
    public static <T> CompletionStage<T> notStarted(String why) {
        return CompletableFuture.failedFuture(new IllegalStateException(why));
    }

    /**
     * Hands a running job's partial result to the UI ({@link TaskRunner#publish}).
     *
     * @param action applies it, on the UI thread
     */
    public void publish(Runnable action) {
        runner.publish(action);
    }

    /** Cancels the running job, if any. */
    public void cancel() {
        if (current != null && current.handle != null) {
            status.set("Cancelling…");
            current.handle.cancel();
        }
    }

    /**
     * Runs a short job that the user does not wait for (such as listing quantizer placement): it is queued on the same
     * runner, so it runs in order with the tracked jobs, but it neither makes the window busy nor can be cancelled.
     * A failure still becomes a {@link UserMessage}.
     *
     * @param name         what it does, for logs
     * @param job          the work (runs off the UI thread)
     * @param onSuccess    applies the result (UI thread)
     * @param failureTitle dialog title if it fails
     * @param <T>          result type
     */
    public <T> void runInBackground(String name, BackgroundJob<T> job, Consumer<T> onSuccess, String failureTitle) {
        runner.submit(name, job, onSuccess::accept, failure -> report(failureTitle, failure));
    }

    /** Whether a tracked job is running. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /**
     * Sets the status line.
     *
     * @param text the new status
     */
    public void setStatus(String text) {
        status.set(text);
    }

    private void report(String failureTitle, Throwable failure) {
        if (failure instanceof CancelledException) {
            status.set("Cancelled");
            return;
        }
        status.set(failureTitle);
        if (failure instanceof InputException) {
            messages.accept(new UserMessage(failureTitle, failure.getMessage()));
        } else {
            String detail = failure.getMessage() == null ? "" : ": " + failure.getMessage();
            messages.accept(new UserMessage(failureTitle, "Unexpected error (" + failure.getClass().getSimpleName()
                    + detail + "). Details are in the log; what was open stays open."));
        }
    }

    /** One job from submission to its end. */
    private final class Job {
        private final String name;
        private RunningTask handle;
        private boolean done;

        Job(String name) {
            this.name = name;
        }

        void attach(RunningTask h) {
            if (done) {
                return;
            }
            handle = h;
            progress.bind(h.progressProperty());
            progressMessage.bind(h.messageProperty());
        }

        void finish() {
            done = true;
            if (current == this) {
                current = null;
                progress.unbind();
                progressMessage.unbind();
                progress.set(0);
                progressMessage.set("");
                busy.set(false);
            }
        }
    }
}
