package org.quantscope.core.analysis;

/**
 * A binned histogram over [lower, upper) with explicit underflow and overflow counts, ready for a chart.
 *
 * @param lower     lower edge of the first bin
 * @param upper     upper edge of the last bin
 * @param counts    values per bin
 * @param underflow values below {@code lower}
 * @param overflow  values at or above {@code upper} (the largest value is counted in the last bin when it equals
 *                  {@code upper} exactly, so a histogram over [min, max] holds every value)
 */
public record Histogram(double lower, double upper, long[] counts, long underflow, long overflow) {

    /** Copies the counts. */
    public Histogram {
        counts = counts.clone();
        if (!(upper > lower) || counts.length == 0) {
            throw new IllegalArgumentException("a histogram needs upper > lower and at least one bin");
        }
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** Width of one bin. */
    public double binWidth() {
        return (upper - lower) / counts.length;
    }

    /** Total number of values, under- and overflow included. */
    public long total() {
        long t = underflow + overflow;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    /**
     * Bins {@code values} over [lower, upper].
     *
     * @param values the data (NaN values are skipped)
     * @param bins   number of bins
     * @param lower  lower edge
     * @param upper  upper edge, &gt; lower (widened by one ulp-sized step when equal)
     * @return the histogram
     */
    public static Histogram of(float[] values, int bins, double lower, double upper) {
        double hi = upper > lower ? upper : lower + Math.max(Math.abs(lower) * 1e-6, 1e-12);
        long[] c = new long[bins];
        long under = 0;
        long over = 0;
        double w = (hi - lower) / bins;
        for (float v : values) {
            if (Float.isNaN(v)) {
                continue;
            }
            if (v < lower) {
                under++;
            } else if (v > hi || v == hi && upper != hi) {
                over++;
            } else {
                int b = (int) ((v - lower) / w);
                c[Math.min(b, bins - 1)]++;
            }
        }
        return new Histogram(lower, hi, c, under, over);
    }
}
