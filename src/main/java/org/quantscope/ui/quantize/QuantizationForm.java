package org.quantscope.ui.quantize;

import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.quantscope.core.InputException;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.RangeEstimators;
import org.quantscope.core.quant.ScaleConstraint;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.HardwarePreset;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizerOverride;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The editable quantization and calibration settings of the panel, as JavaFX properties the view binds to. A hardware
 * preset fixes the weight granularity (and the scheme: symmetry, scale type, BN folding, placement), which is then
 * reset to the preset's value and shown as fixed; bits, range methods and calibration stay editable, as on the
 * command line. Initial values are {@link QuantSettings#DEFAULT} and {@link CalibrationSettings#DEFAULT}.
 */
public final class QuantizationForm {

    /** The preset choice meaning "no preset": the scheme of {@link QuantSettings#DEFAULT}. */
    public static final String CUSTOM = "custom";

    private final ObjectProperty<String> preset = new SimpleObjectProperty<>(CUSTOM);
    private final ObjectProperty<Integer> weightBits = new SimpleObjectProperty<>(QuantSettings.DEFAULT.weightBits());
    private final ObjectProperty<Integer> activationBits =
            new SimpleObjectProperty<>(QuantSettings.DEFAULT.activationBits());
    private final ObjectProperty<Granularity> granularity =
            new SimpleObjectProperty<>(QuantSettings.DEFAULT.weightGranularity());
    private final ObjectProperty<String> weightRange = new SimpleObjectProperty<>(QuantSettings.DEFAULT.weightRange());
    private final ObjectProperty<String> activationRange =
            new SimpleObjectProperty<>(QuantSettings.DEFAULT.activationRange());
    private final ObjectProperty<Integer> calibrationSize =
            new SimpleObjectProperty<>(CalibrationSettings.DEFAULT.size());
    private final ObjectProperty<Integer> seed = new SimpleObjectProperty<>((int) CalibrationSettings.DEFAULT.seed());
    private final ObjectProperty<CalibrationSampler.Strategy> sampling =
            new SimpleObjectProperty<>(CalibrationSettings.DEFAULT.sampling());
    private final FixesForm fixes = new FixesForm();
    private final ObjectProperty<Map<String, QuantizerOverride>> overrides = new SimpleObjectProperty<>(Map.of());
    private final BooleanBinding presetChosen = preset.isNotEqualTo(CUSTOM);
    private final StringBinding schemeText;

    QuantizationForm() {
        preset.addListener((o, was, now) -> {
            if (now != null && !CUSTOM.equals(now)) {
                granularity.set(HardwarePreset.byName(now).weightGranularity());
            }
        });
        schemeText = Bindings.createStringBinding(this::describeScheme, dependencies());
    }

    /** The preset choices: {@value #CUSTOM} and every hardware preset id. */
    public static List<String> presetChoices() {
        List<String> ids = new ArrayList<>();
        ids.add(CUSTOM);
        for (HardwarePreset p : HardwarePreset.values()) {
            ids.add(p.id());
        }
        return List.copyOf(ids);
    }

    /** Weight range methods. */
    public static List<String> weightRangeChoices() {
        return RangeEstimators.WEIGHT_METHODS;
    }

    /** Activation range methods. */
    public static List<String> activationRangeChoices() {
        return QuantSettings.ACTIVATION_METHODS;
    }

    /** Every property, the fixes' included, for bindings that follow all settings. */
    Observable[] dependencies() {
        Observable[] own = {preset, weightBits, activationBits, granularity, weightRange, activationRange,
            calibrationSize, seed, sampling, overrides};
        Observable[] more = fixes.dependencies();
        Observable[] all = new Observable[own.length + more.length];
        System.arraycopy(own, 0, all, 0, own.length);
        System.arraycopy(more, 0, all, own.length, more.length);
        return all;
    }

    /**
     * Per-quantizer bit widths on top of the fields (a mixed-precision point the user picked); empty for none.
     */
    public ObjectProperty<Map<String, QuantizerOverride>> overridesProperty() {
        return overrides;
    }

    /** The post-training fixes. */
    public FixesForm fixesForm() {
        return fixes;
    }

    /**
     * The quantization settings the fields describe.
     *
     * @return the settings, the preset applied
     * @throws InputException when a field is empty or contradicts the preset
     */
    public QuantSettings settings() {
        QuantSettings uniform = baseSettings();
        Map<String, QuantizerOverride> o = overrides.get();
        return o == null || o.isEmpty() ? uniform : uniform.withOverrides(o);
    }

    /**
     * The settings without the per-quantizer overrides (what a mixed-precision search starts from).
     *
     * @return the uniform settings, the preset applied
     * @throws InputException when a field is empty or contradicts the preset
     */
    public QuantSettings baseSettings() {
        QuantSettings base = QuantSettings.DEFAULT.withBits(required(weightBits.get(), "weight bits"),
                        required(activationBits.get(), "activation bits"))
                .withRanges(weightRange.get(), activationRange.get())
                .withWeightGranularity(granularity.get() == null ? Granularity.PER_TENSOR : granularity.get());
        String p = preset.get();
        return p == null || CUSTOM.equals(p) ? base : HardwarePreset.byName(p).apply(base);
    }

    /**
     * How the calibration set is drawn.
     *
     * @return the calibration settings
     * @throws InputException when the size is missing or not positive
     */
    public CalibrationSettings calibration() {
        return new CalibrationSettings(required(calibrationSize.get(), "calibration size"),
                required(seed.get(), "seed"), sampling.get(), CalibrationSettings.DEFAULT.batchSize());
    }

    private static int required(Integer v, String what) {
        if (v == null) {
            throw new InputException("Enter a value for the " + what + ".");
        }
        return v;
    }

    private String describeScheme() {
        QuantSettings s;
        try {
            s = settings();
        } catch (InputException e) {
            return e.getMessage();
        }
        String wGrid = (s.weightSymmetric() ? "int" : "uint") + s.weightBits();
        String aGrid = s.activationSymmetric() ? (s.adaptiveActivationSign() ? "int/uint" : "int") : "uint";
        return String.format("Weights: %s %s, %s\nActivations: %s%d %s\nScales: %s · BN %s\nQuantized: %s",
                s.weightSymmetric() ? "symmetric" : "asymmetric", wGrid,
                s.weightGranularity() == Granularity.PER_CHANNEL ? "per-channel" : "per-tensor",
                aGrid, s.activationBits(), s.activationSymmetric() ? (s.adaptiveActivationSign()
                        ? "symmetric, unsigned after ReLU" : "symmetric") : "asymmetric",
                s.scaleConstraint() == ScaleConstraint.POWER_OF_TWO ? "power of two" : "float32",
                s.foldBatchNorm() ? "folded" : "kept in float", switch (s.placement()) {
                    case NETWORK -> "every layer output, Add and pool output";
                    case TENSORRT -> "whole graph, Add fused into a conv";
                    case LAYER_INPUTS -> "only the inputs of layers";
                });
    }

    /** The chosen preset id, or {@value #CUSTOM}. */
    public ObjectProperty<String> presetProperty() {
        return preset;
    }

    /** Weight bit width. */
    public ObjectProperty<Integer> weightBitsProperty() {
        return weightBits;
    }

    /** Activation bit width. */
    public ObjectProperty<Integer> activationBitsProperty() {
        return activationBits;
    }

    /** Weight granularity; reset to the preset's when a preset is chosen. */
    public ObjectProperty<Granularity> granularityProperty() {
        return granularity;
    }

    /** Weight range method. */
    public ObjectProperty<String> weightRangeProperty() {
        return weightRange;
    }

    /** Activation range method. */
    public ObjectProperty<String> activationRangeProperty() {
        return activationRange;
    }

    /** Number of calibration samples. */
    public ObjectProperty<Integer> calibrationSizeProperty() {
        return calibrationSize;
    }

    /** Seed of the calibration draw. */
    public ObjectProperty<Integer> seedProperty() {
        return seed;
    }

    /** How calibration samples are drawn. */
    public ObjectProperty<CalibrationSampler.Strategy> samplingProperty() {
        return sampling;
    }

    /** True when a hardware preset is chosen: the weight granularity is then fixed by it. */
    public BooleanBinding granularityFixedBinding() {
        return presetChosen;
    }

    /** The scheme the settings give (symmetry, grids, scales, BN, placement), one aspect per line. */
    public StringBinding schemeTextBinding() {
        return schemeText;
    }
}
