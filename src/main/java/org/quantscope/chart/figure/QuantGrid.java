package org.quantscope.chart.figure;

import java.util.ArrayList;
import java.util.List;

/**
 * The values a quantizer can represent, s * (q - z) for integer q in [qmin, qmax] (white paper eq. 3 applied to the
 * whole grid), for drawing over a histogram.
 *
 * @param scale     step s
 * @param zeroPoint zero point z
 * @param qmin      smallest grid integer
 * @param qmax      largest grid integer
 */
public record QuantGrid(double scale, int zeroPoint, int qmin, int qmax) {

    /** Smallest representable value, the lower clipping threshold. */
    public double min() {
        return scale * (qmin - zeroPoint);
    }

    /** Largest representable value, the upper clipping threshold. */
    public double max() {
        return scale * (qmax - zeroPoint);
    }

    /** Number of steps between the grid ends (255 for 8 bits). */
    public int steps() {
        return qmax - qmin;
    }

    /** How many representable values lie in [lo, hi]. */
    public int countWithin(double lo, double hi) {
        long[] q = range(lo, hi);
        return (int) Math.max(0, q[1] - q[0] + 1);
    }

    /**
     * The representable values in [lo, hi], ascending, or none when there are more than {@code limit}.
     *
     * @param lo    lower bound
     * @param hi    upper bound
     * @param limit most values wanted
     * @return the values, or an empty list when too many
     */
    public List<Double> valuesWithin(double lo, double hi, int limit) {
        long[] q = range(lo, hi);
        List<Double> out = new ArrayList<>();
        if (q[1] - q[0] + 1 > limit) {
            return out;
        }
        for (long i = q[0]; i <= q[1]; i++) {
            out.add(scale * (i - zeroPoint));
        }
        return out;
    }

    private long[] range(double lo, double hi) {
        if (!(scale > 0)) {
            return new long[] {0, -1};
        }
        long from = Math.max(qmin, (long) Math.ceil(lo / scale + zeroPoint - 1e-9));
        long to = Math.min(qmax, (long) Math.floor(hi / scale + zeroPoint + 1e-9));
        return new long[] {from, to};
    }
}
