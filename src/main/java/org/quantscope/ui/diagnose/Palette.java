package org.quantscope.ui.diagnose;

import org.quantscope.chart.ColorRole;

/** Colour roles of the diagnostics charts that depend on data: a range method's, a layer's error level's. */
final class Palette {

    private Palette() {
    }

    static ColorRole method(String m) {
        return switch (m) {
            case "minmax" -> ColorRole.METHOD_MINMAX;
            case "percentile" -> ColorRole.METHOD_PERCENTILE;
            case "mse" -> ColorRole.METHOD_MSE;
            case "kl" -> ColorRole.METHOD_KL;
            case "ce" -> ColorRole.METHOD_CE;
            case "bn" -> ColorRole.METHOD_BN;
            default -> ColorRole.METHOD_OTHER;
        };
    }

    static ColorRole level(LayerFinding.ErrorLevel l) {
        return switch (l) {
            case LOW -> ColorRole.LOW;
            case MEDIUM -> ColorRole.MEDIUM;
            case HIGH -> ColorRole.HIGH;
            case UNKNOWN -> ColorRole.UNKNOWN;
        };
    }
}
