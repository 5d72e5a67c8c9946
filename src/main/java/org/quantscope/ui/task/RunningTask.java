package org.quantscope.ui.task;

import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;

/**
 * A job submitted to a {@link TaskRunner}, seen from the UI: its progress and message (updated on the JavaFX thread
 * by {@link FxTaskRunner}) and a way to cancel it. Its end is reported through the callbacks given to
 * {@link TaskRunner#submit}.
 */
public interface RunningTask {

    /** Progress in [0, 1], or -1 while the amount of work is unknown (an indeterminate progress bar). */
    ReadOnlyDoubleProperty progressProperty();

    /** The job's latest progress message, e.g. {@code "Evaluating"}. */
    ReadOnlyStringProperty messageProperty();

    /**
     * Requests cancellation: cancels the job's {@link org.quantscope.core.util.CancellationToken}, which stops the
     * core call (including a native ONNX Runtime run). The job then ends through its failure callback with a
     * {@link org.quantscope.core.util.CancelledException}.
     */
    void cancel();
}
