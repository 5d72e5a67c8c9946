package org.quantscope.core.investigate;

import java.util.Locale;

/** How a step ended (JSON {@code status}). */
public enum StepStatus {
    /** A remedy was measured to help and kept. */
    APPLIED,
    /** The step does not apply here, or the user skipped it; the reason says which. */
    SKIPPED,
    /** A check that passed, or a measurement with nothing to fix. */
    PASSED,
    /** A check that failed, or a remedy measured not to help (not kept). */
    FAILED;

    /** The JSON form. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a JSON form. */
    public static StepStatus of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
