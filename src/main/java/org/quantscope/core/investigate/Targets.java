package org.quantscope.core.investigate;

import org.quantscope.core.InputException;

import java.util.Locale;

/**
 * What the user accepts: the overall accuracy drop in points, and optionally the drop of the worst class.
 *
 * @param drop           overall drop in points ({@code --target-drop}, default 1.0)
 * @param worstClassDrop worst class's drop in points ({@code --target-worst-class-drop}), or NaN for none
 */
public record Targets(double drop, double worstClassDrop) {

    /** The default overall drop: 1 point. */
    public static final double DEFAULT_DROP = 1.0;

    /** One point overall, no worst-class target. */
    public static final Targets DEFAULT = new Targets(DEFAULT_DROP, Double.NaN);

    /** Checks the values. */
    public Targets {
        if (!(drop >= 0) || Double.isInfinite(drop)) {
            throw new InputException("the target drop must be 0 or more points, got " + drop);
        }
        if (!Double.isNaN(worstClassDrop) && (!(worstClassDrop >= 0) || Double.isInfinite(worstClassDrop))) {
            throw new InputException("the worst-class target drop must be 0 or more points, got " + worstClassDrop);
        }
    }

    /** Whether a worst-class target is set. */
    public boolean hasWorstClass() {
        return !Double.isNaN(worstClassDrop);
    }

    /** Whether a measurement meets both targets. */
    public boolean met(Measurement m) {
        return m.drop() <= drop && (!hasWorstClass() || m.worstClassDrop() <= worstClassDrop);
    }

    /** The targets in words: {@code drop <= 1.00 point, worst class <= 5.00 points}. */
    public String describe() {
        String s = String.format(Locale.ROOT, "drop <= %.2f points", drop);
        return hasWorstClass() ? s + String.format(Locale.ROOT, ", worst class <= %.2f points", worstClassDrop) : s;
    }
}
