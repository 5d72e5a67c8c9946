package org.quantscope.core;

/**
 * A problem with something the user supplied (a model, a dataset, a flag) that the user can fix. The message is
 * written for a person: it names the file (and node or tensor where relevant) and says what was expected. The CLI
 * prints only this message and exits with code 2; the UI shows it in a dialog.
 */
public class InputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, where, and what was expected
     */
    public InputException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, where, and what was expected
     * @param cause   the underlying low-level error, kept for logs
     */
    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
