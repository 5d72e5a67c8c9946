package org.quantscope.core.util;

/**
 * Receives progress of a long-running core operation. Implementations must be cheap and thread-safe: core code calls
 * them from its worker thread, and the UI marshals to the JavaFX thread itself.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores every report. */
    ProgressListener NONE = (done, total, message) -> { };

    /**
     * Reports progress.
     *
     * @param done    units of work finished so far
     * @param total   total units of work, or a value &lt;= 0 when unknown
     * @param message a short human-readable description of the current step
     */
    void onProgress(long done, long total, String message);
}
