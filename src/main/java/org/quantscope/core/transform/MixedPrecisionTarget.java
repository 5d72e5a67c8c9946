package org.quantscope.core.transform;

import org.quantscope.core.InputException;

import java.util.List;
import java.util.Locale;

/**
 * How the user picks a point of the mixed-precision front: the cheapest measured point within an accuracy drop of
 * FP32, or the most accurate point within an average weight width.
 *
 * @param maxDrop           allowed drop below FP32 in points, or NaN
 * @param maxAverageBits    allowed average weight width in bits, or NaN
 */
public record MixedPrecisionTarget(double maxDrop, double maxAverageBits) {

    /** Exactly one target, not negative. */
    public MixedPrecisionTarget {
        boolean drop = !Double.isNaN(maxDrop);
        boolean bits = !Double.isNaN(maxAverageBits);
        if (drop == bits) {
            throw new InputException(drop ? "give one mixed-precision target, either a drop (@{targetDrop}) or an "
                    + "average weight width (@{targetBits}), not both"
                    : "mixed precision needs a target: @{targetDrop} P (points below FP32) or @{targetBits} B "
                    + "(average weight bits)");
        }
        if (drop && (maxDrop < 0 || Double.isInfinite(maxDrop))) {
            throw new InputException("@{targetDrop} must be 0 or more points below FP32, got " + maxDrop);
        }
        if (bits && (maxAverageBits <= 0 || Double.isInfinite(maxAverageBits))) {
            throw new InputException("@{targetBits} must be a positive average weight width, got " + maxAverageBits);
        }
    }

    /** At most {@code points} below FP32. */
    public static MixedPrecisionTarget drop(double points) {
        return new MixedPrecisionTarget(points, Double.NaN);
    }

    /** At most {@code bits} average weight bits. */
    public static MixedPrecisionTarget averageBits(double bits) {
        return new MixedPrecisionTarget(Double.NaN, bits);
    }

    /** Whether the target is a drop. */
    public boolean isDrop() {
        return !Double.isNaN(maxDrop);
    }

    /** Whether a point meets the target. */
    public boolean isMet(MixedPrecisionPoint p) {
        return isDrop() ? p.drop() <= maxDrop + 1e-9 : p.averageWeightBits() <= maxAverageBits + 1e-9;
    }

    /**
     * The chosen point: with a drop target the cheapest point meeting it (ties: the more accurate, then the earlier);
     * with a width target the most accurate point within it (ties: the cheaper, then the earlier).
     *
     * @param points measured points
     * @param axis   the cost axis
     * @return the point
     * @throws InputException when no point meets the target, saying what the best was
     */
    public MixedPrecisionPoint select(List<MixedPrecisionPoint> points, MixedPrecision.CostAxis axis) {
        MixedPrecisionPoint best = null;
        for (MixedPrecisionPoint p : points) {
            if (!isMet(p)) {
                continue;
            }
            if (best == null || better(p, best, axis)) {
                best = p;
            }
        }
        if (best != null) {
            return best;
        }
        if (isDrop()) {
            MixedPrecisionPoint top = points.stream().min((a, b) -> Double.compare(a.drop(), b.drop())).orElseThrow();
            throw new InputException(String.format(Locale.ROOT, "@{targetDrop} %.2f was not reached: the best "
                    + "configuration measured loses %.2f points (%.2f average weight bits, step %d of the search); "
                    + "allow a larger drop, add candidates (e.g. float), or use fixes such as @{cle} first",
                    maxDrop, top.drop(), top.averageWeightBits(), top.step()));
        }
        MixedPrecisionPoint low = points.stream().min((a, b) -> Double.compare(a.averageWeightBits(),
                b.averageWeightBits())).orElseThrow();
        throw new InputException(String.format(Locale.ROOT, "@{targetBits} %.2f is below every configuration "
                + "measured: the smallest has %.2f average weight bits (the base); lower @{weightBits} or raise the target",
                maxAverageBits, low.averageWeightBits()));
    }

    private boolean better(MixedPrecisionPoint p, MixedPrecisionPoint best, MixedPrecision.CostAxis axis) {
        if (isDrop()) {
            if (p.cost(axis) != best.cost(axis)) {
                return p.cost(axis) < best.cost(axis);
            }
            return p.accuracy() > best.accuracy();
        }
        if (p.accuracy() != best.accuracy()) {
            return p.accuracy() > best.accuracy();
        }
        return p.cost(axis) < best.cost(axis);
    }

    /** The target as text, e.g. {@code drop <= 0.50 points}. */
    public String describe() {
        return isDrop() ? String.format(Locale.ROOT, "drop <= %.2f points", maxDrop)
                : String.format(Locale.ROOT, "average weight bits <= %.2f", maxAverageBits);
    }
}
