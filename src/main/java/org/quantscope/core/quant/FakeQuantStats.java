package org.quantscope.core.quant;

/**
 * What fake quantization did to one tensor: how many values were clipped to the grid ends (clipping error, white
 * paper §2.2) and how many non-zero values were rounded to zero (the value lands on the zero point).
 *
 * @param count         number of finite values quantized
 * @param clipped       values whose rounded grid value lay outside [qmin, qmax] and was saturated
 * @param roundedToZero non-zero values that dequantize to exactly zero
 */
public record FakeQuantStats(long count, long clipped, long roundedToZero) {

    /** Share of values clipped, 0 when the tensor is empty. */
    public double clippedShare() {
        return count == 0 ? 0 : (double) clipped / count;
    }

    /** Share of values rounded to zero, 0 when the tensor is empty. */
    public double roundedToZeroShare() {
        return count == 0 ? 0 : (double) roundedToZero / count;
    }

    /** Sum of two statistics (for example of two batches). */
    public FakeQuantStats plus(FakeQuantStats o) {
        return new FakeQuantStats(count + o.count, clipped + o.clipped, roundedToZero + o.roundedToZero);
    }
}
