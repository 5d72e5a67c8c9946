package org.quantscope.core.util;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cooperative cancellation flag shared between the caller of a core operation and the operation itself.
 * Native work (ONNX Runtime runs) registers a callback with {@link #onCancel(Runnable)} so that a cancel reaches the
 * native code, not just the next loop iteration.
 */
public final class CancellationToken {

    private volatile boolean cancelled;
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();

    /** Returns a token that is never cancelled by anyone but its holder. */
    public static CancellationToken none() {
        return new CancellationToken();
    }

    /** Requests cancellation and runs every registered callback once. */
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Runnable r : callbacks) {
            r.run();
        }
    }

    /** Whether cancellation was requested. */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Throws {@link CancelledException} if cancellation was requested.
     *
     * @throws CancelledException when cancelled
     */
    public void throwIfCancelled() {
        if (cancelled) {
            throw new CancelledException();
        }
    }

    /**
     * Registers a callback run when the token is cancelled (at once if it already is).
     *
     * @param callback the action, for example {@code () -> runOptions.setTerminate(true)}
     * @return a handle that removes the callback when closed
     */
    public Registration onCancel(Runnable callback) {
        callbacks.add(callback);
        if (cancelled) {
            callback.run();
        }
        return () -> callbacks.remove(callback);
    }

    /** Removes a cancel callback; use it with try-with-resources around a native call. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
