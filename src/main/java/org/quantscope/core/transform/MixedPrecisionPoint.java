package org.quantscope.core.transform;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured configuration of a mixed-precision search: a step of the greedy walk (step 0 is the uniform base).
 *
 * @param step              index in the walk (0 = base)
 * @param raised            the quantizer this step raised, or empty for the base
 * @param raisedTo          its new width ({@link org.quantscope.core.sim.BitWidthVariants#FLOAT} = float), 0 for
 *                          the base
 * @param bits              every quantizer's width (float = 32), in quantizer order
 * @param accuracy          measured top-1 accuracy on the search samples
 * @param drop              FP32 accuracy minus {@code accuracy} on the same samples, in points
 * @param sizeBits          weight memory in bits
 * @param averageWeightBits {@code sizeBits} over the weight elements
 * @param bops              bit operations per sample
 */
public record MixedPrecisionPoint(int step, String raised, int raisedTo, Map<String, Integer> bits, double accuracy,
                                  double drop, long sizeBits, double averageWeightBits, double bops) {

    /** Copies the map, keeping its order. */
    public MixedPrecisionPoint {
        bits = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bits));
    }

    /** The cost on an axis. */
    public double cost(MixedPrecision.CostAxis axis) {
        return axis == MixedPrecision.CostAxis.SIZE ? sizeBits : bops;
    }
}
