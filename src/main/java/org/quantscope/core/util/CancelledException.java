package org.quantscope.core.util;

/** Thrown by core operations that stop because their {@link CancellationToken} was cancelled. */
public final class CancelledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a standard message. */
    public CancelledException() {
        super("Cancelled by the user");
    }
}
