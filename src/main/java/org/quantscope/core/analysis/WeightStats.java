package org.quantscope.core.analysis;

/**
 * Statistics of one weight tensor (after BN folding), per tensor and per output channel, and how its quantizer
 * treats it (white paper §3.7: "visualize the tensor distributions"; the range ratio shows why per-tensor
 * quantization fails on a depthwise layer whose channels differ by orders of magnitude).
 *
 * @param quantizer          the weight quantizer's name
 * @param layer              the layer (node) using it
 * @param shape              the tensor's shape
 * @param channelAxis        the output-channel axis
 * @param min                smallest weight
 * @param max                largest weight
 * @param mean               mean
 * @param std                standard deviation (population)
 * @param channelMin         per output channel minimum
 * @param channelMax         per output channel maximum
 * @param channelMean        per output channel mean
 * @param channelStd         per output channel standard deviation
 * @param rangeRatio         largest channel range (max - min) over the median channel range (1 for one channel;
 *                           infinite when the median range is 0 but some channel is not)
 * @param histogram          64-bin histogram over [min, max]
 * @param roundedToZeroShare share of non-zero weights the current quantizer maps to 0 (NaN when disabled)
 * @param clippedShare       share of weights the current quantizer clips (NaN when disabled)
 */
public record WeightStats(String quantizer, String layer, long[] shape, int channelAxis, float min, float max,
                          double mean, double std, float[] channelMin, float[] channelMax, double[] channelMean,
                          double[] channelStd, double rangeRatio, Histogram histogram, double roundedToZeroShare,
                          double clippedShare) {

    /** Copies the arrays. */
    public WeightStats {
        shape = shape.clone();
        channelMin = channelMin.clone();
        channelMax = channelMax.clone();
        channelMean = channelMean.clone();
        channelStd = channelStd.clone();
    }

    @Override
    public float[] channelMin() {
        return channelMin.clone();
    }

    @Override
    public float[] channelMax() {
        return channelMax.clone();
    }

    @Override
    public double[] channelMean() {
        return channelMean.clone();
    }

    @Override
    public double[] channelStd() {
        return channelStd.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of output channels. */
    public int channels() {
        return channelMin.length;
    }
}
