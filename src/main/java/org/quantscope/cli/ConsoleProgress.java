package org.quantscope.cli;

import org.quantscope.core.util.ProgressListener;
import org.quantscope.core.util.RuntimeProfile;

import java.io.PrintWriter;

/**
 * A console progress bar on standard error. On a terminal it redraws one line; otherwise (CI logs, pipes) it prints a
 * line at every 25 %, so logs stay short.
 */
final class ConsoleProgress implements ProgressListener {

    private final PrintWriter err;
    private final boolean terminal;
    private final boolean quiet;
    private long lastDraw;
    private int lastQuarter = -1;
    private String lastMessage = "";

    ConsoleProgress(PrintWriter err, boolean quiet) {
        this.err = err;
        this.terminal = System.console() != null;
        this.quiet = quiet;
    }

    @Override
    public synchronized void onProgress(long done, long total, String message) {
        RuntimeProfile.progress(message);
        if (quiet) {
            return;
        }
        double f = total > 0 ? Math.min(1.0, done / (double) total) : 0;
        if (terminal) {
            long now = System.nanoTime();
            if (now - lastDraw < 100_000_000L && done < total && message.equals(lastMessage)) {
                return;
            }
            lastDraw = now;
            int width = 30;
            int filled = (int) Math.round(f * width);
            err.print("\r" + message + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
                    + String.format("%3.0f%%", f * 100) + (total > 0 ? " (" + done + "/" + total + ")" : ""));
            if (done >= total && total > 0) {
                err.println();
            }
            err.flush();
        } else {
            int quarter = (int) (f * 4);
            if (quarter != lastQuarter || !message.equals(lastMessage)) {
                lastQuarter = quarter;
                err.println(message + ": " + Math.round(f * 100) + "%" + (total > 0 ? " (" + done + "/" + total + ")"
                        : ""));
            }
        }
        lastMessage = message;
    }
}
