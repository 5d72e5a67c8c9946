package org.quantscope.core.analysis;

import org.quantscope.core.quant.Range;

import java.util.Map;

/**
 * Statistics of one activation quantizer's tensor over the calibration data (white paper §3.7: visualize the
 * activation distributions), with the range each range-setting method would choose, so a chart can mark them.
 *
 * @param quantizer        the quantizer's name
 * @param tensor           the tensor
 * @param role             layer output, model input, Add output, ...
 * @param layer            the layer it belongs to, or null
 * @param count            values seen
 * @param min              smallest value
 * @param max              largest value
 * @param histogram        128-bin histogram covering every value
 * @param percentileLevels percent levels of {@code percentiles}
 * @param percentiles      the values below which those shares of the data lie (accurate to one histogram bin)
 * @param channelMin       per channel (axis 1) minimum; empty for tensors of rank below 2
 * @param channelMax       per channel maximum
 * @param methodRanges     the range each applicable method chooses (minmax, percentile, mse, kl; ce for model
 *                         outputs; bn when a BatchNormalization produces the tensor), for the quantizer's grid
 * @param chosen           the range the quantized model uses (null when the quantizer is disabled)
 * @param chosenMethod     the method that chose it
 */
public record ActivationStats(String quantizer, String tensor, String role, String layer, long count, float min,
                              float max, Histogram histogram, double[] percentileLevels, double[] percentiles,
                              float[] channelMin, float[] channelMax, Map<String, Range> methodRanges, Range chosen,
                              String chosenMethod) {

    /** Copies arrays and the map. */
    public ActivationStats {
        percentileLevels = percentileLevels.clone();
        percentiles = percentiles.clone();
        channelMin = channelMin.clone();
        channelMax = channelMax.clone();
        methodRanges = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(methodRanges));
    }

    @Override
    public double[] percentileLevels() {
        return percentileLevels.clone();
    }

    @Override
    public double[] percentiles() {
        return percentiles.clone();
    }

    @Override
    public float[] channelMin() {
        return channelMin.clone();
    }

    @Override
    public float[] channelMax() {
        return channelMax.clone();
    }
}
