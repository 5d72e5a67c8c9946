package org.quantscope.cli;

import org.quantscope.core.util.CancellationToken;

/** Turns Ctrl+C into a cancel of the running core operation, so native runs stop cleanly. */
final class CliCancellation {

    private CliCancellation() {
    }

    /** A token cancelled when the JVM receives an interrupt (SIGINT/SIGTERM). */
    static CancellationToken onInterrupt() {
        CancellationToken t = new CancellationToken();
        Runtime.getRuntime().addShutdownHook(new Thread(t::cancel, "quantscope-cancel-on-exit"));
        return t;
    }
}
