package org.quantscope.ui.task;

import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

/**
 * A piece of long-running work handed to a {@link TaskRunner}: typically one synchronous core call such as loading a
 * model or evaluating it. It runs off the JavaFX thread and must not touch the scene graph.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface BackgroundJob<T> {

    /**
     * Does the work.
     *
     * @param progress where to report progress (thread-safe; the runner marshals it to the UI)
     * @param cancel   cancelled when the user presses Cancel; pass it on to the core call
     * @return the result, handed to the success callback
     * @throws Exception any failure, handed to the failure callback
     */
    T run(ProgressListener progress, CancellationToken cancel) throws Exception;
}
