package org.quantscope.chart.figure;

import org.quantscope.chart.ColorRole;

/**
 * One layer as the diagnostics views show it: the navigator row, the bars of the layerwise error chart and of the
 * sensitivity ranking. Values are NaN before a diagnosis (and for metrics that do not apply).
 *
 * @param index          position in the graph, from 1
 * @param name           the layer (its Conv/Gemm/MatMul node)
 * @param label          a short name for axes, e.g. {@code features.3/Conv}
 * @param op             Conv, Depthwise conv, Gemm, ...
 * @param isolated       isolated RMSE in quantizer steps (only this layer quantized, FP32 input)
 * @param propagated     propagated RMSE in quantizer steps (every quantizer on)
 * @param isolatedSqnr   isolated SQNR in dB
 * @param propagatedSqnr propagated SQNR in dB
 * @param sensitivity    accuracy drop in points with only this layer quantized
 * @param floatGain      accuracy gain in points with only this layer left in float
 * @param rangeRatio     weight channel range ratio (largest over median), NaN without weights
 * @param flag           why the layer is flagged, or empty
 * @param suggestion     the fix to try first, or empty
 * @param level          how large the isolated error is
 */
public record LayerFinding(int index, String name, String label, String op, double isolated, double propagated,
                           double isolatedSqnr, double propagatedSqnr, double sensitivity, double floatGain,
                           double rangeRatio, String flag, String suggestion, ErrorLevel level) {

    /** How large a layer's isolated error is, for its colour. */
    public enum ErrorLevel {
        /** Not diagnosed yet. */
        UNKNOWN,
        /** Close to pure rounding noise (at most {@link #LOW_STEPS} steps, or at least 30 dB). */
        LOW,
        /** Above rounding noise but under the threshold. */
        MEDIUM,
        /** Over the diagnosis threshold. */
        HIGH;

        /** Rounding noise alone is 1/sqrt(12) = 0.289 steps; up to this many steps counts as low. */
        public static final double LOW_STEPS = 0.35;

        /**
         * Classifies an isolated error.
         *
         * @param steps     RMSE over scale (NaN when the layer has no output quantizer)
         * @param sqnrDb    SQNR in dB, used when {@code steps} is NaN
         * @param threshold the diagnosis threshold in steps
         * @param sqnrFloor the SQNR threshold in dB
         * @return the level
         */
        public static ErrorLevel of(double steps, double sqnrDb, double threshold, double sqnrFloor) {
            if (!Double.isNaN(steps)) {
                return steps > threshold ? HIGH : steps > LOW_STEPS ? MEDIUM : LOW;
            }
            if (Double.isNaN(sqnrDb)) {
                return UNKNOWN;
            }
            return sqnrDb < sqnrFloor ? HIGH : sqnrDb < 30 ? MEDIUM : LOW;
        }

        /** The colour role of a layer at this level (the navigator's dot). */
        public ColorRole role() {
            return switch (this) {
                case LOW -> ColorRole.LOW;
                case MEDIUM -> ColorRole.MEDIUM;
                case HIGH -> ColorRole.HIGH;
                case UNKNOWN -> ColorRole.UNKNOWN;
            };
        }
    }

    /** Whether the diagnosis flagged the layer. */
    public boolean flagged() {
        return !flag.isEmpty();
    }

    /**
     * The short axis name of a layer: path segments without the leading slash, a segment dropped when the next one
     * repeats it ({@code /features/features.3/Conv} gives {@code features.3/Conv}).
     *
     * @param name the layer name
     * @return the short name
     */
    public static String shortName(String name) {
        String[] parts = name.replaceFirst("^/+", "").split("/");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || i + 1 < parts.length && parts[i + 1].startsWith(parts[i] + ".")) {
                continue;
            }
            b.append(b.length() == 0 ? "" : "/").append(parts[i]);
        }
        return b.length() == 0 ? name : b.toString();
    }

    /**
     * The findings of a diagnosis, one per layer in graph order (the navigator rows and chart bars of the window).
     *
     * @param r the diagnosis
     * @return the findings
     */
    public static java.util.List<LayerFinding> of(org.quantscope.core.analysis.DiagnosisResult r) {
        java.util.List<LayerFinding> out = new java.util.ArrayList<>();
        int i = 1;
        for (org.quantscope.core.analysis.LayerDiagnosis d : r.layers()) {
            org.quantscope.core.analysis.ErrorMetrics iso = d.isolated();
            org.quantscope.core.analysis.ErrorMetrics prop = d.propagated();
            double isoSteps = iso == null ? Double.NaN : iso.rmseOverScale();
            double isoSqnr = iso == null ? Double.NaN : iso.sqnrDb();
            out.add(new LayerFinding(i++, d.name(), shortName(d.name()), d.op(), isoSteps,
                    prop == null ? Double.NaN : prop.rmseOverScale(), isoSqnr, prop == null ? Double.NaN
                    : prop.sqnrDb(), d.sensitivityDrop(), d.floatGain(), d.weightRangeRatio(), d.flag(),
                    d.suggestion(), ErrorLevel.of(isoSteps, isoSqnr, r.settings().rmseOverScaleThreshold(),
                    r.settings().sqnrThresholdDb())));
        }
        return out;
    }
}
