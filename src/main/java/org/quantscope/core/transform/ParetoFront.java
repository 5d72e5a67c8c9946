package org.quantscope.core.transform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The accuracy-versus-cost Pareto front of measured mixed-precision points: the points no other point beats on both
 * axes (at most the cost and strictly more accurate, or strictly cheaper and at least as accurate).
 */
public final class ParetoFront {

    private ParetoFront() {
    }

    /**
     * The non-dominated points, cheapest first; along the result accuracy strictly increases with cost. Of points
     * equal on both axes the earliest step is kept.
     *
     * @param points measured points
     * @param axis   the cost axis
     * @return the front
     */
    public static List<MixedPrecisionPoint> of(List<MixedPrecisionPoint> points, MixedPrecision.CostAxis axis) {
        List<MixedPrecisionPoint> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble((MixedPrecisionPoint p) -> p.cost(axis))
                .thenComparing(Comparator.comparingDouble(MixedPrecisionPoint::accuracy).reversed())
                .thenComparingInt(MixedPrecisionPoint::step));
        List<MixedPrecisionPoint> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (MixedPrecisionPoint p : sorted) {
            if (p.accuracy() > best) {
                front.add(p);
                best = p.accuracy();
            }
        }
        return front;
    }

    /**
     * Whether {@code a} dominates {@code b}: no more costly, no less accurate, and better on one of the two.
     *
     * @param a    a point
     * @param b    another point
     * @param axis the cost axis
     * @return whether a dominates b
     */
    public static boolean dominates(MixedPrecisionPoint a, MixedPrecisionPoint b, MixedPrecision.CostAxis axis) {
        return a.cost(axis) <= b.cost(axis) && a.accuracy() >= b.accuracy()
                && (a.cost(axis) < b.cost(axis) || a.accuracy() > b.accuracy());
    }
}
