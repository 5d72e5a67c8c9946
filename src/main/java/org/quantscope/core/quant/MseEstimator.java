package org.quantscope.core.quant;

/**
 * MSE-optimal clipping range, eq. 16 of the white paper: among candidate ranges, the one whose fake quantization
 * (with the spec's exact grid, conventions and rounding) has the least squared error over the observed values.
 * Grid search as in MQBench's MSE calibration: {@link #CANDIDATES} = 100 candidates, fraction k/100 (k = 1..100) of
 * the full range. Symmetric signed: [-t, t] with t = f max|x|; unsigned symmetric: [0, f max(x, 0)]; asymmetric:
 * [f min(x, 0), f max(x, 0)]. The error is evaluated on a {@link StreamingHistogram} (every value taken at its bin
 * centre), so memory is bounded; ties prefer the wider range.
 */
public final class MseEstimator extends ClippingSearch {

    /** Number of candidate ranges. */
    public static final int CANDIDATES = ClippingSearch.CANDIDATES;

    /**
     * @param spec the per-tensor quantizer the range is for
     * @param bins histogram bins (even)
     */
    public MseEstimator(QuantizerSpec spec, int bins) {
        super(spec, bins);
    }

    /** @param spec the per-tensor quantizer the range is for; 2048 bins */
    public MseEstimator(QuantizerSpec spec) {
        this(spec, StreamingHistogram.DEFAULT_BINS);
    }

    @Override
    public String name() {
        return "mse";
    }

    /** Sum over bins of count * (centre - fakeQuant(centre))^2. */
    @Override
    double cost(Encoding e) {
        double sum = 0;
        for (int i = 0; i < histogram.bins(); i++) {
            long c = histogram.count(i);
            if (c == 0) {
                continue;
            }
            float x = (float) histogram.binCenter(i);
            double d = (double) x - fakeQuant(x, e);
            sum += c * d * d;
        }
        return sum;
    }

    /**
     * Per-channel MSE ranges of a weight tensor: the search above run on every slice along the axis.
     *
     * @param data  the weights, row-major
     * @param shape their shape
     * @param spec  a per-channel spec (its axis is used)
     * @return one range per channel
     */
    public static Range[] perChannel(float[] data, int[] shape, QuantizerSpec spec) {
        spec.checkShape(shape, "weight");
        int axis = spec.axis();
        int channels = shape[axis];
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int outer = data.length / (inner * channels);
        QuantizerSpec perTensor = new QuantizerSpec(spec.bits(), spec.signed(), spec.symmetric(),
                Granularity.PER_TENSOR, -1, spec.scaleConstraint(), spec.convention());
        Range[] out = new Range[channels];
        for (int c = 0; c < channels; c++) {
            MseEstimator est = new MseEstimator(perTensor);
            for (int o = 0; o < outer; o++) {
                int start = (o * channels + c) * inner;
                est.observe(data, start, start + inner);
            }
            out[c] = est.range();
        }
        return out;
    }
}
