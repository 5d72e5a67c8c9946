package org.quantscope.chart;

/**
 * What a colour in a chart means, not which colour it is: marks, legend swatches and the chart frame name a role, and a
 * {@link Theme} gives each role its colour when the plot is drawn. The same {@link Plot} therefore draws dark in the
 * window and light on paper, and a role that must stand out (a median, a selected point) does so on either.
 */
public enum ColorRole {

    /** Behind the whole figure (title, legend, axes). */
    BACKGROUND(Use.SURFACE),
    /** Behind the plot area. */
    PLOT_BACKGROUND(Use.SURFACE),
    /** The figure title of an SVG. */
    TITLE(Use.TEXT),
    /** Tick labels and legend text. */
    TEXT(Use.TEXT),
    /** Axis titles and captions. */
    MUTED(Use.TEXT),
    /** The axis lines and tick marks. */
    AXIS(Use.STRUCTURE),
    /** A zero line across the plot. */
    ZERO(Use.STRUCTURE),
    /** A value printed inside the end of a bar. */
    VALUE_INSIDE(Use.TEXT_ON_MARK),
    /** A value printed beside the end of a bar. */
    VALUE_OUTSIDE(Use.TEXT),

    /** Layer error with only that layer quantized. */
    ISOLATED(Use.MARK),
    /** Layer error with every quantizer on; also the sensitivity drop. */
    PROPAGATED(Use.MARK),
    /** A flag threshold. */
    THRESHOLD(Use.MARK),
    /** The level of pure rounding noise. */
    NOISE(Use.MARK),
    /** The band behind the selected layer. */
    SELECTED(Use.BACKDROP),
    /** Accuracy won back by keeping a layer in float. */
    GAIN(Use.MARK),
    /** Histogram bins of weights; also a channel's weight or activation range. */
    BINS(Use.MARK),
    /** The representable values of a quantization grid. */
    GRID(Use.MARK),
    /** A clipping threshold (a grid end). */
    CLIP(Use.MARK),
    /** The range one per-tensor grid has to cover. */
    TENSOR_RANGE(Use.MARK),
    /** A channel's own clipping range, behind its data range. */
    CHANNEL_CLIP(Use.BACKDROP),
    /** Histogram bins of activations. */
    ACTIVATION_BINS(Use.MARK),
    /** A layer whose error is close to rounding noise. */
    LOW(Use.MARK),
    /** A layer whose error is above noise but under the threshold. */
    MEDIUM(Use.MARK),
    /** A layer over the threshold. */
    HIGH(Use.MARK),
    /** A layer not diagnosed yet. */
    UNKNOWN(Use.MARK),
    /** Channel ranges before the post-training fixes, behind the ranges after them. */
    BEFORE_FIXES(Use.BACKDROP),

    /** The min-max range method. */
    METHOD_MINMAX(Use.MARK),
    /** The percentile range method. */
    METHOD_PERCENTILE(Use.MARK),
    /** The MSE range method. */
    METHOD_MSE(Use.MARK),
    /** The KL-divergence range method. */
    METHOD_KL(Use.MARK),
    /** The cross-entropy range method. */
    METHOD_CE(Use.MARK),
    /** The BatchNorm-statistics range method. */
    METHOD_BN(Use.MARK),
    /** Any other range method. */
    METHOD_OTHER(Use.MARK),

    /** Boxes and outliers of the first configuration of a reliability plot. */
    CONFIGURATION_A(Use.MARK),
    /** Boxes and outliers of the second configuration. */
    CONFIGURATION_B(Use.MARK),
    /** Whiskers of a box plot. */
    WHISKER(Use.MARK),
    /** The median bar of a box plot, drawn over the box. */
    MEDIAN(Use.MARK),

    /** A measured mixed-precision configuration. */
    POINT(Use.MARK),
    /** A configuration on the Pareto front. */
    FRONT(Use.MARK),
    /** The selected point. */
    HIGHLIGHT(Use.MARK),
    /** The FP32 accuracy as a reference line. */
    FP32_REFERENCE(Use.MARK),
    /** The accuracy a search aims at. */
    TARGET(Use.MARK),

    /** FP32 accuracy bars. */
    FP32(Use.MARK),
    /** Quantized accuracy bars (with the fixes, when there are any). */
    QUANTIZED(Use.MARK),
    /** Quantized accuracy bars without the post-training fixes. */
    QUANTIZED_BEFORE_FIXES(Use.MARK);

    /** Where a role's colour is seen, which says what it has to stand out against. */
    public enum Use {
        /** A background. */
        SURFACE,
        /** Text on the background or the plot background. */
        TEXT,
        /** Text drawn on a mark (a value inside a bar). */
        TEXT_ON_MARK,
        /** Data drawn on the plot background: bars, bins, points, lines. */
        MARK,
        /** A quiet area behind marks (a highlight band, a range before the fixes). */
        BACKDROP,
        /** Axis and zero lines: visible, but quieter than data. */
        STRUCTURE
    }

    private final Use use;

    ColorRole(Use use) {
        this.use = use;
    }

    /** Where the colour is seen. */
    public Use use() {
        return use;
    }
}
