package org.quantscope.ui.diagnose;

import java.util.Map;

/** Colours of the diagnostics charts (hex, shared by the screen and the SVG export). */
final class Palette {

    static final String ISOLATED = "#3d8fe0";
    static final String PROPAGATED = "#f2a541";
    static final String THRESHOLD = "#f0645a";
    static final String NOISE = "#9aa3b0";
    static final String SELECTED = "#34465c";
    static final String GAIN = "#5cc98a";
    static final String BINS = "#3d8fe0";
    static final String GRID = "#8a93a3";
    static final String CLIP = "#f0645a";
    static final String TENSOR_RANGE = "#f2a541";
    static final String CHANNEL_CLIP = "#3a4252";
    static final String ACTIVATION_BINS = "#5f9fd6";
    static final String LOW = "#5cc98a";
    static final String MEDIUM = "#f2c94c";
    static final String HIGH = "#f0645a";
    static final String UNKNOWN = "#6b7280";
    static final String BEFORE = "#5b6270";

    /** One colour per range method. */
    static final Map<String, String> METHODS = Map.of("minmax", "#f0645a", "percentile", "#f2c94c", "mse", "#5cc98a",
            "kl", "#c38cf2", "ce", "#f2a541", "bn", "#4dd0e1");

    private Palette() {
    }

    static String method(String m) {
        return METHODS.getOrDefault(m, "#e3e6eb");
    }

    static String level(LayerFinding.ErrorLevel l) {
        return switch (l) {
            case LOW -> LOW;
            case MEDIUM -> MEDIUM;
            case HIGH -> HIGH;
            case UNKNOWN -> UNKNOWN;
        };
    }
}
