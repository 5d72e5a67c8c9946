package org.quantscope.cli;

import org.quantscope.core.InputException;
import picocli.CommandLine.Option;

/**
 * How many per-class rows the console prints, shared by every command with a per-class table (eval, quantize,
 * reliability): up to {@code --worst-classes} classes everything is printed as it always was; with more classes, the
 * worst ones, a summary of the rest and (eval) the most frequent confusions. {@code --all-classes} prints everything.
 * The JSON and CSV files always keep every class.
 */
final class ClassTableOptions {

    /** Default of {@code --worst-classes}. */
    static final int DEFAULT_WORST = 20;
    /** Default of {@code --top-confusions}. */
    static final int DEFAULT_CONFUSIONS = 20;

    @Option(names = "--worst-classes", paramLabel = "N", defaultValue = "" + DEFAULT_WORST,
            description = "With more than N classes, print only the N worst classes (lowest accuracy, largest drop) "
                    + "and a summary of the rest (default ${DEFAULT-VALUE}); JSON and CSV keep every class.")
    int worstClasses = DEFAULT_WORST;

    @Option(names = "--top-confusions", paramLabel = "N", defaultValue = "" + DEFAULT_CONFUSIONS,
            description = "With more classes than --worst-classes, list the N most frequent confusions (label -> "
                    + "prediction) instead of the confusion matrix (default ${DEFAULT-VALUE}).")
    int topConfusions = DEFAULT_CONFUSIONS;

    @Option(names = "--all-classes", description = "Print every class and the full confusion matrix, however many "
            + "classes there are.")
    boolean allClasses;

    /** Checks the counts; call before any work. */
    ClassTableOptions check() {
        if (worstClasses < 1) {
            throw new InputException("--worst-classes must be at least 1, got " + worstClasses + ".");
        }
        if (topConfusions < 0) {
            throw new InputException("--top-confusions must be 0 (none) or positive, got " + topConfusions + ".");
        }
        return this;
    }

    /** Whether a table of {@code classes} rows is printed in full. */
    boolean full(int classes) {
        return allClasses || classes <= worstClasses;
    }

    /** Options that print everything up to {@code worst} classes (for callers without a command line). */
    static ClassTableOptions defaults() {
        return new ClassTableOptions();
    }
}
