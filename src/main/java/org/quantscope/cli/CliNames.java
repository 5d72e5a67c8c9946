package org.quantscope.cli;

import java.util.Map;

/**
 * The command line's names for the settings core messages mention ({@code @{id}}, see
 * {@link org.quantscope.core.InputException}): its flags. Every id of {@link org.quantscope.core.SettingNames} has
 * one (a test checks it).
 */
final class CliNames {

    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("targetDrop", "--target-drop"),
            Map.entry("targetBits", "--target-bits"),
            Map.entry("weightBits", "--w-bits"),
            Map.entry("mpCost", "--mp-cost bops"),
            Map.entry("calibSize", "--calib-size"),
            Map.entry("skipBadFiles", "--skip-bad-files"),
            Map.entry("crop", "--crop"),
            Map.entry("calibLabels", "--calib-labels"),
            Map.entry("perturb", "--perturb"),
            Map.entry("sizes", "--sizes"),
            Map.entry("noiseShare", "--noise-share"),
            Map.entry("imbalanceClass", "--imbalance-class"),
            Map.entry("imbalanceShare", "--imbalance-share"),
            Map.entry("metrics", "--metrics"),
            Map.entry("cle", "--cle"),
            Map.entry("biasAbsorption", "--bias-absorption"),
            Map.entry("biasCorrection", "--bias-correction"),
            Map.entry("biasCorrectionAnalytic", "--bias-correction analytic"),
            Map.entry("biasCorrectionEmpirical", "--bias-correction empirical"),
            Map.entry("adaround", "--adaround"),
            Map.entry("bnFoldOn", "drop --no-bn-fold"),
            Map.entry("disable", "--disable"),
            Map.entry("evaluateQdq", "evaluate this one with 'quantscope eval --model'"),
            Map.entry("resizeCrop", "--resize/--crop"),
            Map.entry("normalizeFloat", "--normalize-float"),
            Map.entry("memoryBudget", "the budget with --memory-mib"),
            Map.entry("listQuantizers", "'quantscope quantize --list-quantizers'"));

    private CliNames() {
    }

    /**
     * The flag of a setting.
     *
     * @param id the setting's id
     * @return the flag, or null for a setting without one
     */
    static String flag(String id) {
        return FLAGS.get(id);
    }

    /**
     * A core text (warning, capability reason) with its settings named by their flags.
     *
     * @param text the text
     * @return the text for the command line
     */
    static String text(String text) {
        return org.quantscope.core.SettingNames.render(text, CliNames::flag);
    }

    /** The ids named here. */
    static java.util.Set<String> ids() {
        return FLAGS.keySet();
    }
}
