package org.quantscope.core.quant;

/** Min-max range setting, eq. 14-15 of the white paper: the full observed range, no clipping error. */
public final class MinMaxEstimator implements RangeEstimator {

    private final QuantizerSpec spec;
    private final RunningMinMax minMax = new RunningMinMax();

    /** @param spec the per-tensor quantizer the range is for */
    public MinMaxEstimator(QuantizerSpec spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return "minmax";
    }

    @Override
    public void observe(float[] values, int from, int to) {
        minMax.add(values, from, to);
    }

    @Override
    public Range range() {
        return minMax.range();
    }

    @Override
    public Encoding encoding() {
        return EncodingCalculator.compute(spec, range());
    }
}
