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
            Map.entry("skipBadFiles", "the data's option to skip bad files"),
            Map.entry("crop", "a crop size"),
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
            Map.entry("disable", "switched off by hand"),
            Map.entry("evaluateQdq", "it can still be evaluated as it is"),
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

    /**
     * A text with setting markers ({@code @{id}}: warnings, capability reasons, exception messages) with each
     * setting named by {@code names}, falling back to the plain words.
     *
     * @param text  the text
     * @param names a front end's names (its flags), or {@link #plain} for the window's words
     * @return the text for that front end
     */
    public static String render(String text, java.util.function.Function<String, String> names) {
        if (text == null || !text.contains("@{")) {
            return text;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("@\\{([A-Za-z0-9]+)}").matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String n = names.apply(m.group(1));
            m.appendReplacement(b, java.util.regex.Matcher.quoteReplacement(n != null ? n : plain(m.group(1))));
        }
        m.appendTail(b);
        return b.toString();
    }

    /**
     * A text in the window's words ({@link #render} with {@link #plain}).
     *
     * @param text the text
     * @return the text
     */
    public static String plainText(String text) {
        return render(text, SettingNames::plain);
    }

    /** The ids this table knows (the command line's table must name each). */
    public static java.util.Set<String> ids() {
        return PLAIN.keySet();
    }
}
