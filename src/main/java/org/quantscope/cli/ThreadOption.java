package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.onnx.SessionSettings;

/** The {@code --threads} option shared by the commands: checked, turned into session settings, described. */
final class ThreadOption {

    /** The option's help text. */
    static final String DESCRIPTION = "ONNX Runtime threads per run. Default 0: evaluations run one batch per core "
            + "at once, one thread each (faster, same results); other work uses all cores.";

    private ThreadOption() {
    }

    /** Session settings for {@code --threads T}, full optimization. */
    static SessionSettings settings(int threads) {
        if (threads < 0) {
            throw new InputException("--threads must be 0 (automatic) or positive, got " + threads + ".");
        }
        return new SessionSettings(threads, true);
    }

    /** How the threads were used, for provenance: the count as given, or how the automatic mode ran. */
    static String describe(int threads) {
        if (threads > 0) {
            return String.valueOf(threads);
        }
        int runs = SessionSettings.DEFAULT.forEvaluation().concurrentRuns();
        return runs > 1 ? "automatic: evaluations " + runs + " runs at once, one thread each" : "automatic";
    }
}
