package org.quantscope.core;

import java.util.Map;

/**
 * The plain words for the settings core messages name ({@code @{id}} in an {@link InputException}): what the window
 * shows. The command line has its own table of flags for the same ids.
 */
public final class SettingNames {

    private static final Map<String, String> PLAIN = Map.ofEntries(
            Map.entry("targetDrop", "the accuracy-drop target"),
            Map.entry("targetBits", "the average weight-bits target"),
            Map.entry("weightBits", "the weight bits"),
            Map.entry("mpCost", "the cost axis bops"),
            Map.entry("calibSize", "the calibration size"),
            Map.entry("calibLabels", "the calibration pool's labels"),
            Map.entry("perturb", "the perturbation"),
            Map.entry("sizes", "the calibration sizes"),
            Map.entry("noiseShare", "the noise shares"),
            Map.entry("imbalanceClass", "the skewed class"),
            Map.entry("imbalanceShare", "the imbalance share"),
            Map.entry("metrics", "the range methods"),
            Map.entry("cle", "cross-layer equalization"),
            Map.entry("biasAbsorption", "bias absorption"),
            Map.entry("biasCorrection", "bias correction"),
            Map.entry("biasCorrectionAnalytic", "analytic bias correction"),
            Map.entry("biasCorrectionEmpirical", "empirical bias correction"),
            Map.entry("adaround", "AdaRound"),
            Map.entry("bnFoldOn", "turn BN folding on"),
            Map.entry("disable", "a disabled quantizer"),
            Map.entry("resizeCrop", "resize and crop"),
            Map.entry("normalizeFloat", "normalization of float data"),
            Map.entry("memoryBudget", "the memory budget (QUANTSCOPE_MEMORY_MIB)"),
            Map.entry("listQuantizers", "the Quantizers table"));

    private SettingNames() {
    }

    /**
     * The plain words for a setting.
     *
     * @param id the setting's id
     * @return its words, or the id itself when unknown
     */
    public static String plain(String id) {
        return PLAIN.getOrDefault(id, id);
    }

    /** The ids this table knows (the command line's table must name each). */
    public static java.util.Set<String> ids() {
        return PLAIN.keySet();
    }
}
