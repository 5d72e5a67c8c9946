package org.quantscope.ui.quantize;

/** How bad an accuracy drop is, for the colour of the drop tile. */
public enum DropSeverity {
    /** No result yet. */
    NONE,
    /** At most {@link #SMALL_POINTS} points: within what quantization usually costs. */
    SMALL,
    /** At most {@link #MODERATE_POINTS} points: worth a look. */
    MODERATE,
    /** More than {@link #MODERATE_POINTS} points: needs debugging. */
    LARGE;

    /** Upper bound of a small drop, in percentage points. */
    public static final double SMALL_POINTS = 0.5;
    /** Upper bound of a moderate drop, in percentage points. */
    public static final double MODERATE_POINTS = 2.0;

    /**
     * Classifies a drop.
     *
     * @param points accuracy drop in percentage points
     * @return its severity
     */
    public static DropSeverity of(double points) {
        if (points <= SMALL_POINTS) {
            return SMALL;
        }
        return points <= MODERATE_POINTS ? MODERATE : LARGE;
    }
}
