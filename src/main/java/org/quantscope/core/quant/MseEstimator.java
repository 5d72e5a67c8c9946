package org.quantscope.core.quant;

/**
 * MSE-optimal clipping range, eq. 16 of the white paper: among candidate ranges, the one whose fake quantization
 * (with the spec's exact grid, conventions and rounding) has the least squared error over the observed values.
 * Grid search as in MQBench's MSE calibration: {@link #CANDIDATES} = 100 candidates, fraction k/100 (k = 1..100) of
 * the full range. Symmetric signed: [-t, t] with t = f max|x|; unsigned symmetric: [0, f max(x, 0)]; asymmetric:
 * [f min(x, 0), f max(x, 0)]. The error is evaluated on a {@link StreamingHistogram} (every value taken at its bin
 * centre), so memory is bounded; ties prefer the wider range.
 */
public final class MseEstimator implements RangeEstimator {

    /** Number of candidate ranges. */
    public static final int CANDIDATES = 100;

    private final QuantizerSpec spec;
    private final StreamingHistogram histogram;

    /**
     * @param spec the per-tensor quantizer the range is for
     * @param bins histogram bins (even)
     */
    public MseEstimator(QuantizerSpec spec, int bins) {
        if (spec.granularity() != Granularity.PER_TENSOR) {
            throw new IllegalArgumentException("estimators work per tensor; use a per-tensor spec per channel");
        }
        this.spec = spec;
        this.histogram = new StreamingHistogram(bins, false);
    }

    /** @param spec the per-tensor quantizer the range is for; 2048 bins */
    public MseEstimator(QuantizerSpec spec) {
        this(spec, StreamingHistogram.DEFAULT_BINS);
    }

    @Override
    public String name() {
        return "mse";
    }

    @Override
    public void observe(float[] values, int from, int to) {
        histogram.add(values, from, to);
    }

    @Override
    public Range range() {
        if (histogram.total() == 0) {
            throw new IllegalStateException("no calibration values were observed");
        }
        float minNeg = Math.min(histogram.min(), 0f);
        float maxPos = Math.max(histogram.max(), 0f);
        float amax = Math.max(-minNeg, maxPos);
        Range best = null;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int k = CANDIDATES; k >= 1; k--) {
            float f = (float) k / CANDIDATES;
            Range r;
            if (spec.symmetric()) {
                r = spec.signed() ? new Range(-f * amax, f * amax) : new Range(0f, f * maxPos);
            } else {
                r = new Range(f * minNeg, f * maxPos);
            }
            double err = squaredError(EncodingCalculator.compute(spec, r));
            if (err < bestErr) {
                bestErr = err;
                best = r;
            }
        }
        return best;
    }

    /** Sum over bins of count * (centre - fakeQuant(centre))^2. */
    private double squaredError(Encoding e) {
        float s = e.scale(0);
        int z = e.zeroPoint(0);
        int qmin = spec.qmin();
        int qmax = spec.qmax();
        double sum = 0;
        for (int i = 0; i < histogram.bins(); i++) {
            long c = histogram.count(i);
            if (c == 0) {
                continue;
            }
            float x = (float) histogram.binCenter(i);
            float y = (float) (FakeQuantizer.quantize(x, s, z, qmin, qmax) - z) * s;
            double d = (double) x - y;
            sum += c * d * d;
        }
        return sum;
    }

    @Override
    public Encoding encoding() {
        return EncodingCalculator.compute(spec, range());
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
