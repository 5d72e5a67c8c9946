package org.quantscope.core.config;

import org.quantscope.core.analysis.Remedy;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.BitWidthVariants;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerOverride;
import org.quantscope.core.transform.AdaRoundSettings;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.transform.PtqPipeline;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A complete, immutable description of a quantization configuration: everything that changes a number of a
 * simulation. The quantizer scheme (bits, granularity, symmetry, scale type and convention, placement, BN folding),
 * range methods, per-quantizer overrides, disabled quantizers (float fallback) and mixed-precision widths (as
 * overrides) are {@link #scheme()}; how the calibration set is drawn is {@link #calibration()} and
 * {@link #calibrationPool()}; the post-training fixes with all their parameters are {@link #fixes()}.
 *
 * <p>Its JSON form ({@link QuantConfigJson}) is the one source of provenance, experiment keys and {@code --config}
 * files; {@link #differences} names every field in which two configurations differ, in that form's names.
 *
 * @param scheme          quantizer settings with their overrides
 * @param calibration     how the calibration set is drawn, or null where each run draws its own (reliability trials,
 *                        whose seeds and sizes are the experiment's)
 * @param calibrationPool what the calibration set is drawn from (a data description), or null
 * @param fixes           post-training fixes
 */
public record QuantConfig(QuantSettings scheme, CalibrationSettings calibration, String calibrationPool,
                          PtqPipeline.Fixes fixes) {

    /** Key of the configuration in a result's provenance settings. */
    public static final String PROVENANCE_KEY = "configuration";

    /** W8A8 with the defaults, no fixes, default calibration. */
    public static final QuantConfig DEFAULT = new QuantConfig(QuantSettings.DEFAULT, CalibrationSettings.DEFAULT, null,
            PtqPipeline.Fixes.NONE);

    /** Checks and normalizes. */
    public QuantConfig {
        if (scheme == null) {
            throw new IllegalArgumentException("a configuration needs quantization settings");
        }
        fixes = fixes == null ? PtqPipeline.Fixes.NONE : fixes;
    }

    /**
     * A configuration without its own calibration draw.
     *
     * @param scheme quantizer settings
     * @param fixes  fixes
     * @return the configuration
     */
    public static QuantConfig of(QuantSettings scheme, PtqPipeline.Fixes fixes) {
        return new QuantConfig(scheme, null, null, fixes);
    }

    /**
     * The configuration a quantized model was made with.
     *
     * @param qm    the calibrated model
     * @param fixes the fixes applied before its calibration, or null for none
     * @return the configuration, with the model's calibration draw and data
     */
    public static QuantConfig of(QuantizedModel qm, PtqPipeline.Fixes fixes) {
        return new QuantConfig(qm.settings(), qm.calibration(), qm.calibrationData(), fixes);
    }

    /**
     * The provenance entry of this configuration: {@code configuration} with the one-line JSON form, which the
     * result files write out as {@code provenance.configuration}.
     *
     * @return a one-entry map
     */
    public Map<String, String> provenance() {
        return Map.of(PROVENANCE_KEY, QuantConfigJson.compact(this));
    }

    /** A copy with other quantizer settings. */
    public QuantConfig withScheme(QuantSettings s) {
        return new QuantConfig(s, calibration, calibrationPool, fixes);
    }

    /** A copy with other fixes. */
    public QuantConfig withFixes(PtqPipeline.Fixes f) {
        return new QuantConfig(scheme, calibration, calibrationPool, f);
    }

    /** A copy with another calibration draw and pool. */
    public QuantConfig withCalibration(CalibrationSettings c, String pool) {
        return new QuantConfig(scheme, c, pool, fixes);
    }

    /**
     * The configuration after a remedy.
     *
     * @param r the remedy
     * @return the next configuration (this one is unchanged)
     */
    public QuantConfig apply(Remedy r) {
        if (r instanceof Remedy.PerChannelWeights p) {
            return p.quantizer() == null ? withScheme(scheme.withWeightGranularity(Granularity.PER_CHANNEL))
                    : override(p.quantizer(), o -> new QuantizerOverride(o.enabled(), o.bits(),
                    Granularity.PER_CHANNEL, o.rangeMethod()));
        }
        if (r instanceof Remedy.Equalize e) {
            return withFixes(new PtqPipeline.Fixes(true, e.biasAbsorption() || fixes.biasAbsorption(),
                    fixes.biasCorrection(), fixes.adaround(), fixes.relu6()));
        }
        if (r instanceof Remedy.CorrectBias b) {
            return withFixes(new PtqPipeline.Fixes(fixes.cle(), fixes.biasAbsorption(), b.mode(), fixes.adaround(),
                    fixes.relu6()));
        }
        if (r instanceof Remedy.LearnRounding a) {
            // AdaRound minimizes each layer's output error, its mean shift included (white paper §3.4): it replaces
            // bias correction, which the fixes do not combine with it; it draws its samples with the calibration seed,
            // as the command line and the window do
            return withFixes(new PtqPipeline.Fixes(fixes.cle(), fixes.biasAbsorption(), null,
                    AdaRoundSettings.DEFAULT.withIterations(a.iterations()).withSamples(a.samples())
                            .withSeed(calibration == null ? AdaRoundSettings.DEFAULT.seed() : calibration.seed()),
                    fixes.relu6()));
        }
        if (r instanceof Remedy.ActivationRanges a) {
            return withScheme(scheme.withRanges(scheme.weightRange(), a.method()));
        }
        if (r instanceof Remedy.QuantizerRange q) {
            return override(q.quantizer(), o -> new QuantizerOverride(o.enabled(), o.bits(), o.granularity(),
                    q.method()));
        }
        if (r instanceof Remedy.QuantizerBits q) {
            return override(q.quantizer(), o -> new QuantizerOverride(o.enabled(), q.bits(), o.granularity(),
                    o.rangeMethod()));
        }
        if (r instanceof Remedy.FloatFallback f) {
            QuantConfig c = this;
            for (String q : f.quantizers()) {
                c = c.override(q, o -> QuantizerOverride.DISABLED);
            }
            return c;
        }
        if (r instanceof Remedy.BitWidths w) {
            QuantConfig c = this;
            for (Map.Entry<String, Integer> e : w.bits().entrySet()) {
                // the search's float width (32) is float fallback, as BitWidthVariants.settings has it
                c = c.override(e.getKey(), o -> e.getValue() == BitWidthVariants.FLOAT ? QuantizerOverride.DISABLED
                        : new QuantizerOverride(o.enabled(), e.getValue(), o.granularity(), o.rangeMethod()));
            }
            return c;
        }
        throw new IllegalArgumentException("unknown remedy " + r);
    }

    private QuantConfig override(String quantizer, java.util.function.UnaryOperator<QuantizerOverride> change) {
        QuantizerOverride now = scheme.overrides().getOrDefault(quantizer, new QuantizerOverride(true, null, null,
                null));
        return withScheme(scheme.withOverride(quantizer, change.apply(now)));
    }

    /**
     * Every field in which {@code other} differs from this configuration, named as in the JSON form, with both values:
     * {@code fixes.adaround (none there, {iterations: 10000, ...} here)}.
     *
     * @param other the configuration to compare with ("there")
     * @return the differences, empty when the configurations give the same numbers
     */
    public List<String> differences(QuantConfig other) {
        return QuantConfigJson.differences(QuantConfigJson.tree(other), QuantConfigJson.tree(this));
    }

    /**
     * A short label for charts, tables and titles that names everything that changes a number, in the compact style
     * of the command line: {@code W8A8 per-tensor minmax}, {@code W4A8 per-channel mse +CLE +absorption +AdaRound(500
     * it.) 2 in float 3 overrides}.
     *
     * @return the label
     */
    public String label() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "W%dA%d %s %s", scheme.weightBits(),
                scheme.activationBits(), scheme.weightGranularity().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                scheme.activationRange()));
        if (!scheme.weightRange().equals("minmax")) {
            b.append(" (weights ").append(scheme.weightRange()).append(')');
        }
        if (!"custom".equals(scheme.preset())) {
            b.append(' ').append(scheme.preset());
        }
        PtqPipeline.Fixes f = fixes;
        if (f.cle()) {
            b.append(" +CLE");
            if (f.relu6() != CrossLayerEqualization.Relu6Handling.EXACT) {
                b.append("(ReLU6 ").append(f.relu6().id()).append(')');
            }
        }
        if (f.biasAbsorption()) {
            b.append(" +absorption");
        }
        if (f.biasCorrection() != null) {
            b.append(" +").append(f.biasCorrection()).append(" BC");
        }
        if (f.adaround() != null) {
            b.append(String.format(Locale.ROOT, " +AdaRound(%d it.)", f.adaround().iterations()));
        }
        long disabled = scheme.overrides().values().stream().filter(o -> !o.enabled()).count();
        long changed = scheme.overrides().size() - disabled;
        if (disabled > 0) {
            b.append(' ').append(disabled).append(" in float");
        }
        if (changed > 0) {
            b.append(' ').append(changed).append(changed == 1 ? " override" : " overrides");
        }
        return b.toString();
    }

    /** The overrides that switch a quantizer off (float fallback), by quantizer name. */
    public List<String> disabledQuantizers() {
        return scheme.overrides().entrySet().stream().filter(e -> !e.getValue().enabled()).map(Map.Entry::getKey)
                .sorted().toList();
    }

    /** The per-quantizer bit widths that differ from the global ones (mixed precision and manual overrides). */
    public Map<String, Integer> bitOverrides() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        for (Map.Entry<String, QuantizerOverride> e : scheme.overrides().entrySet()) {
            if (e.getValue().enabled() && e.getValue().bits() != null) {
                m.put(e.getKey(), e.getValue().bits());
            }
        }
        return m;
    }
}
