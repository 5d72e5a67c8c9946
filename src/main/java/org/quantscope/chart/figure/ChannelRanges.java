package org.quantscope.chart.figure;

/**
 * Per output channel minimum and maximum of a weight or an activation, with the range one per-tensor grid has to
 * cover: the picture that shows why per-tensor quantization fails when channels differ by orders of magnitude.
 *
 * @param kind        {@link #WEIGHTS} or {@link #ACTIVATIONS}
 * @param quantizer   the quantizer
 * @param min         per channel minimum
 * @param max         per channel maximum
 * @param tensorMin   lower end of the per-tensor range (the quantizer's clipping range when per-tensor, else the
 *                    tensor's minimum)
 * @param tensorMax   upper end
 * @param channelClip per channel clipping ranges of a per-channel quantizer as {min0, max0, min1, ...}, or empty
 */
public record ChannelRanges(String kind, String quantizer, float[] min, float[] max, double tensorMin,
                            double tensorMax, double[] channelClip) {

    /** The kind of the ranges of a layer's weights. */
    public static final String WEIGHTS = "weights";
    /** The kind of the ranges of a layer's output activations. */
    public static final String ACTIVATIONS = "activations";

    /** Copies the arrays. */
    public ChannelRanges {
        min = min.clone();
        max = max.clone();
        channelClip = channelClip.clone();
    }

    @Override
    public float[] min() {
        return min.clone();
    }

    @Override
    public float[] max() {
        return max.clone();
    }

    @Override
    public double[] channelClip() {
        return channelClip.clone();
    }

    /** Number of channels. */
    public int channels() {
        return min.length;
    }

    /** Channels whose range is under a tenth of the per-tensor range: they get under 10 % of a per-tensor grid. */
    public int narrowChannels() {
        double width = tensorMax - tensorMin;
        int n = 0;
        for (int c = 0; c < min.length; c++) {
            if ((double) max[c] - min[c] < width / 10) {
                n++;
            }
        }
        return n;
    }
}
