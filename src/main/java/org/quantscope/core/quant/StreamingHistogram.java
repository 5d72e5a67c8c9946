package org.quantscope.core.quant;

import java.util.Arrays;

/**
 * A histogram with a fixed number of equal bins, filled batch by batch in constant memory, of either the values x or
 * their magnitudes |x|. The range is set by the first batch ([min, max], or [0, max|x|]); when a later batch falls
 * outside, the range is doubled on that side (repeatedly, until it covers the batch). Doubling merges exactly two old
 * bins into one new bin, so re-binning is exact and deterministic: no count moves to a bin it was not in. The
 * approximation is resolution only: after growth a bin can be up to twice as wide as in a one-shot histogram of the
 * final range, so anything read from the histogram (percentiles, MSE/KL thresholds) is accurate to one bin width,
 * {@link #binWidth()}. Exact min and max of the raw values are kept as well. NaN values are ignored. Not thread-safe.
 */
public final class StreamingHistogram {

    /** Default bin count, as in TensorRT's and MQBench's entropy calibration. */
    public static final int DEFAULT_BINS = 2048;

    private final long[] counts;
    private final boolean magnitudes;
    private final RunningMinMax raw = new RunningMinMax();
    private double lo;
    private double width;
    private long total;

    /**
     * @param bins       number of bins, even and at least 2
     * @param magnitudes true to histogram |x| over [0, max|x|], false for x over [min, max]
     */
    public StreamingHistogram(int bins, boolean magnitudes) {
        if (bins < 2 || bins % 2 != 0) {
            throw new IllegalArgumentException("bin count must be even and >= 2, got " + bins);
        }
        this.counts = new long[bins];
        this.magnitudes = magnitudes;
    }

    /** A histogram of values with {@link #DEFAULT_BINS} bins. */
    public static StreamingHistogram ofValues() {
        return new StreamingHistogram(DEFAULT_BINS, false);
    }

    /** A histogram of magnitudes |x| with {@link #DEFAULT_BINS} bins. */
    public static StreamingHistogram ofMagnitudes() {
        return new StreamingHistogram(DEFAULT_BINS, true);
    }

    /**
     * Adds {@code values[from, to)}.
     *
     * @param values a batch
     * @param from   first index, inclusive
     * @param to     last index, exclusive
     * @throws IllegalArgumentException if the batch contains an infinity
     */
    public void add(float[] values, int from, int to) {
        RunningMinMax batch = new RunningMinMax();
        batch.add(values, from, to);
        if (batch.isEmpty()) {
            return;
        }
        if (Float.isInfinite(batch.min()) || Float.isInfinite(batch.max())) {
            throw new IllegalArgumentException("calibration values include infinity");
        }
        raw.add(values, from, to);
        double bmin = magnitudes ? 0 : batch.min();
        double bmax = magnitudes ? Math.max(-batch.min(), batch.max()) : batch.max();
        if (total == 0 && width == 0) {
            lo = bmin;
            width = bmax - bmin;
            if (width == 0) {
                width = bmin == 0 ? 1e-6 : Math.abs(bmin) * 1e-3;
            }
        }
        while (bmin < lo) {
            grow(true);
        }
        while (bmax > lo + width) {
            grow(false);
        }
        int n = counts.length;
        double perBin = n / width;
        for (int i = from; i < to; i++) {
            float x = values[i];
            if (x != x) {
                continue;
            }
            double v = magnitudes ? Math.abs(x) : x;
            int b = (int) ((v - lo) * perBin);
            counts[b >= n ? n - 1 : Math.max(b, 0)]++;
            total++;
        }
    }

    /** Adds a whole batch. */
    public void add(float[] values) {
        add(values, 0, values.length);
    }

    /** Doubles the range downwards (old bins end up in the upper half) or upwards (lower half). */
    private void grow(boolean downwards) {
        int n = counts.length;
        int half = n / 2;
        long[] merged = new long[half];
        for (int k = 0; k < half; k++) {
            merged[k] = counts[2 * k] + counts[2 * k + 1];
        }
        Arrays.fill(counts, 0);
        System.arraycopy(merged, 0, counts, downwards ? half : 0, half);
        if (downwards) {
            lo -= width;
        }
        width *= 2;
    }

    /** Number of bins. */
    public int bins() {
        return counts.length;
    }

    /** Whether this histogram counts |x| instead of x. */
    public boolean magnitudes() {
        return magnitudes;
    }

    /** Count in bin {@code i}. */
    public long count(int i) {
        return counts[i];
    }

    /** A copy of all bin counts. */
    public long[] counts() {
        return counts.clone();
    }

    /** Number of values added (NaN excluded). */
    public long total() {
        return total;
    }

    /** Lower edge of the histogram range. */
    public double lower() {
        return lo;
    }

    /** Upper edge of the histogram range. */
    public double upper() {
        return lo + width;
    }

    /** Width of one bin. */
    public double binWidth() {
        return width / counts.length;
    }

    /** Centre of bin {@code i}. */
    public double binCenter(int i) {
        return lo + (i + 0.5) * binWidth();
    }

    /** Exact smallest raw value added (not its magnitude). */
    public float min() {
        return raw.min();
    }

    /** Exact largest raw value added. */
    public float max() {
        return raw.max();
    }

    /**
     * The value below which {@code percent} % of the histogram's values lie, interpolated linearly inside the bin and
     * clamped to the exact [min, max] (of the magnitudes, for a magnitude histogram).
     *
     * @param percent 0..100
     * @return the percentile, accurate to one bin width
     */
    public double percentile(double percent) {
        if (total == 0) {
            throw new IllegalStateException("no calibration values were observed");
        }
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("percentile must be in 0..100, got " + percent);
        }
        double target = percent / 100 * total;
        double cum = 0;
        double result = upper();
        for (int i = 0; i < counts.length; i++) {
            long c = counts[i];
            if (c > 0 && cum + c >= target) {
                result = lo + (i + (target - cum) / c) * binWidth();
                break;
            }
            cum += c;
        }
        double exactMin = magnitudes ? 0 : raw.min();
        double exactMax = magnitudes ? Math.max(-raw.min(), raw.max()) : raw.max();
        return Math.max(exactMin, Math.min(exactMax, result));
    }
}
