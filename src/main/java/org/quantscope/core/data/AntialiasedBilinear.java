package org.quantscope.core.data;

/**
 * Bilinear resampling of 8-bit RGB pixels as Pillow computes {@code Image.resize(size, Image.BILINEAR)}, which is what
 * torchvision's {@code Resize} does to a PIL image: a separable triangle filter whose support grows with the
 * downscale factor (antialiasing: when shrinking by a factor s, each output pixel averages about 2s input pixels, not
 * 2), weights normalized per output pixel and rounded to fixed point with 22 fraction bits, the horizontal pass first
 * into an 8-bit intermediate image, then the vertical pass (Pillow's {@code libImaging/Resample.c}). Reproducing the
 * integer arithmetic gives the same pixels as Pillow on the same input, not merely close ones. Java2D's bilinear
 * interpolation, by contrast, samples 2x2 neighbours only, which aliases when shrinking.
 *
 * <p>Only the output window asked for is computed (a center crop of the resized image needs only its own columns and
 * rows); every output pixel depends on its own coefficients alone, so the window equals the same window cut from the
 * whole resized image.
 */
final class AntialiasedBilinear {

    /** Fraction bits of the fixed-point weights (Pillow: {@code PRECISION_BITS = 32 - 8 - 2}). */
    static final int PRECISION_BITS = 22;

    private AntialiasedBilinear() {
    }

    /** Per output pixel along one axis: the first input pixel, how many are used, and their fixed-point weights. */
    record Coefficients(int[] first, int[] count, int[] weights, int ksize) {
    }

    /**
     * The coefficients of Pillow's {@code precompute_coeffs} and {@code normalize_coeffs_8bpc} for output pixels
     * {@code [from, from + n)} of a resize from {@code inSize} to {@code outSize} pixels.
     */
    static Coefficients coefficients(int inSize, int outSize, int from, int n) {
        double scale = inSize / (double) outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 1.0 * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[n];
        int[] count = new int[n];
        int[] weights = new int[n * ksize];
        double[] k = new double[ksize];
        for (int i = 0; i < n; i++) {
            int xx = from + i;
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            // C casts truncate toward zero, as (int) does
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                double w = triangle((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                weights[i * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                        : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            first[i] = xmin;
            count[i] = xmax;
        }
        return new Coefficients(first, count, weights, ksize);
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    private static int clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (v <= 0) {
            return 0;
        }
        return v >> PRECISION_BITS;
    }

    /**
     * Resizes packed RGB pixels ({@code 0xRRGGBB}) from {@code w x h} to {@code outW x outH} and returns the window
     * {@code [x0, x0 + cw) x [y0, y0 + ch)} of the result, packed the same way. The window must lie inside the resized
     * image. An axis whose size does not change is not resampled (as in Pillow).
     */
    static int[] resize(int[] src, int w, int h, int outW, int outH, int x0, int y0, int cw, int ch) {
        if (x0 < 0 || y0 < 0 || x0 + cw > outW || y0 + ch > outH) {
            throw new IllegalArgumentException("window " + cw + "x" + ch + " at " + x0 + "," + y0 + " outside "
                    + outW + "x" + outH);
        }
        // Rows of the source the vertical pass needs for the window's rows.
        Coefficients vert = outH == h ? null : coefficients(h, outH, y0, ch);
        int rowFirst = vert == null ? y0 : vert.first()[0];
        int rowEnd = vert == null ? y0 + ch : vert.first()[ch - 1] + vert.count()[ch - 1];
        int rows = rowEnd - rowFirst;
        int[] horiz;
        if (outW == w) {
            horiz = new int[rows * cw];
            for (int y = 0; y < rows; y++) {
                System.arraycopy(src, (rowFirst + y) * w + x0, horiz, y * cw, cw);
            }
        } else {
            horiz = horizontal(src, w, rowFirst, rows, coefficients(w, outW, x0, cw), cw);
        }
        if (vert == null) {
            return horiz;
        }
        return vertical(horiz, cw, rowFirst, vert, ch);
    }

    private static int[] horizontal(int[] src, int w, int rowFirst, int rows, Coefficients c, int outW) {
        int[] out = new int[rows * outW];
        int half = 1 << (PRECISION_BITS - 1);
        int ksize = c.ksize();
        for (int y = 0; y < rows; y++) {
            int rowOff = (rowFirst + y) * w;
            for (int x = 0; x < outW; x++) {
                int xmin = c.first()[x];
                int n = c.count()[x];
                int kOff = x * ksize;
                int r = half;
                int g = half;
                int b = half;
                for (int i = 0; i < n; i++) {
                    int p = src[rowOff + xmin + i];
                    int k = c.weights()[kOff + i];
                    r += ((p >>> 16) & 0xFF) * k;
                    g += ((p >>> 8) & 0xFF) * k;
                    b += (p & 0xFF) * k;
                }
                out[y * outW + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
            }
        }
        return out;
    }

    private static int[] vertical(int[] src, int w, int rowFirst, Coefficients c, int outH) {
        int[] out = new int[outH * w];
        int half = 1 << (PRECISION_BITS - 1);
        int ksize = c.ksize();
        for (int y = 0; y < outH; y++) {
            int ymin = c.first()[y] - rowFirst;
            int n = c.count()[y];
            int kOff = y * ksize;
            for (int x = 0; x < w; x++) {
                int r = half;
                int g = half;
                int b = half;
                for (int i = 0; i < n; i++) {
                    int p = src[(ymin + i) * w + x];
                    int k = c.weights()[kOff + i];
                    r += ((p >>> 16) & 0xFF) * k;
                    g += ((p >>> 8) & 0xFF) * k;
                    b += (p & 0xFF) * k;
                }
                out[y * w + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
            }
        }
        return out;
    }
}
