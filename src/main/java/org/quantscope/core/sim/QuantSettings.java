package org.quantscope.core.sim;

import org.quantscope.core.InputException;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.QuantizerSpec;
import org.quantscope.core.quant.RangeEstimators;
import org.quantscope.core.quant.ScaleConstraint;
import org.quantscope.core.quant.ScaleConvention;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quantization configuration of a whole model: the defaults every quantizer gets, and per-quantizer overrides.
 * Immutable; change it with the {@code with...} methods. Grids follow from symmetry: symmetric quantizers use the
 * signed grid (weights) or the signed grid unless {@link #adaptiveActivationSign()} picks the unsigned grid for
 * non-negative data; asymmetric quantizers use the unsigned grid (uint8 for 8 bits, as QDQ models store them).
 *
 * @param weightBits             weight bit width, 2..16
 * @param activationBits         activation bit width, 2..16
 * @param weightGranularity      per-tensor or per-channel (output channel) weights
 * @param weightSymmetric        symmetric (signed, zero point 0) or asymmetric (unsigned, free zero point) weights
 * @param activationSymmetric    symmetric or asymmetric activations
 * @param adaptiveActivationSign symmetric activations that cannot be negative (after ReLU etc.) use the unsigned grid
 *                               (MQBench's "adaptive signedness" of the academic setting)
 * @param scaleConstraint        free (float32) or power-of-two scales
 * @param convention             how ranges become scales ({@link ScaleConvention})
 * @param weightRange            weight range method: minmax or mse
 * @param activationRange        activation range method: minmax, percentile, mse, kl, cosine, ce or bn
 * @param foldBatchNorm          fold BatchNormalization into the preceding layer before quantizing (eq. 10-12)
 * @param placement              which activations are quantized
 * @param biasInt32              quantize biases to int32 with scale s_w * s_in (else biases stay float)
 * @param preset                 the hardware preset these settings came from, or {@code custom}
 * @param overrides              per-quantizer overrides, keyed by {@link QuantizerSite#name()}
 */
public record QuantSettings(int weightBits, int activationBits, Granularity weightGranularity,
                            boolean weightSymmetric, boolean activationSymmetric, boolean adaptiveActivationSign,
                            ScaleConstraint scaleConstraint, ScaleConvention convention, String weightRange,
                            String activationRange, boolean foldBatchNorm, ActivationPlacement placement,
                            boolean biasInt32, String preset, Map<String, QuantizerOverride> overrides) {

    /** Activation range methods. {@code ce} (cross-entropy, eq. 17) applies to model outputs, MSE elsewhere. */
    public static final List<String> ACTIVATION_METHODS = List.of("minmax", "percentile", "mse", "kl", "cosine", "ce",
            "bn");

    /**
     * The default: W8A8, per-tensor symmetric int8 weights, asymmetric uint8 activations, min-max ranges, float scales,
     * ONNX convention, BN folded, biases float (the defaults of ONNX Runtime's static quantization).
     */
    public static final QuantSettings DEFAULT = new QuantSettings(8, 8, Granularity.PER_TENSOR, true, false, false,
            ScaleConstraint.FREE, ScaleConvention.ONNX, "minmax", "minmax", true, ActivationPlacement.NETWORK, false,
            "custom", Map.of());

    /** Validates and normalizes. */
    public QuantSettings {
        checkBits("weight", weightBits);
        checkBits("activation", activationBits);
        weightRange = method(weightRange, RangeEstimators.WEIGHT_METHODS, "weight");
        activationRange = method(activationRange, ACTIVATION_METHODS, "activation");
        if (scaleConstraint == ScaleConstraint.POWER_OF_TWO && (!weightSymmetric || !activationSymmetric)) {
            throw new InputException("power-of-two scales need symmetric weights and activations;"
                    + " choose symmetric quantizers or float scales");
        }
        overrides = Map.copyOf(new LinkedHashMap<>(overrides));
        for (Map.Entry<String, QuantizerOverride> e : overrides.entrySet()) {
            if (e.getValue().bits() != null) {
                checkBits("quantizer '" + e.getKey() + "'", e.getValue().bits());
            }
        }
        preset = preset == null ? "custom" : preset;
    }

    private static void checkBits(String what, int bits) {
        if (bits < 2 || bits > 16) {
            throw new InputException(what + " bits must be between 2 and 16, got " + bits);
        }
    }

    private static String method(String name, List<String> allowed, String what) {
        String n = name == null ? "minmax" : name.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(n)) {
            throw new InputException("unknown " + what + " range method '" + name + "'; choose one of "
                    + String.join(", ", allowed));
        }
        return n;
    }

    /** The override of one quantizer, or null. */
    public QuantizerOverride override(String site) {
        return overrides.get(site);
    }

    /** Whether the quantizer at {@code site} is applied. */
    public boolean enabled(QuantizerSite site) {
        QuantizerOverride o = overrides.get(site.name());
        return o == null || o.enabled();
    }

    /** The range method of a quantizer (override or global). */
    public String rangeMethod(QuantizerSite site) {
        QuantizerOverride o = overrides.get(site.name());
        if (o != null && o.rangeMethod() != null) {
            return method(o.rangeMethod(), site.isWeight() ? RangeEstimators.WEIGHT_METHODS : ACTIVATION_METHODS,
                    site.isWeight() ? "weight" : "activation");
        }
        return site.isWeight() ? weightRange : activationRange;
    }

    /**
     * The quantizer spec of a site: bits, grid and granularity after overrides.
     *
     * @param site the quantizer's place
     * @return the spec
     * @throws InputException when per-channel is asked of a tensor without the channel axis
     */
    public QuantizerSpec spec(QuantizerSite site) {
        QuantizerOverride o = overrides.get(site.name());
        if (site.isWeight()) {
            int bits = o != null && o.bits() != null ? o.bits() : weightBits;
            Granularity g = o != null && o.granularity() != null ? o.granularity() : weightGranularity;
            int axis = g == Granularity.PER_CHANNEL ? site.channelAxis() : -1;
            if (g == Granularity.PER_CHANNEL && (site.shape().length <= axis || axis < 0)) {
                throw new InputException("per-channel quantization of weight '" + site.name() + "' needs axis "
                        + axis + ", but the tensor has shape " + java.util.Arrays.toString(site.shape()));
            }
            return new QuantizerSpec(bits, weightSymmetric, weightSymmetric, g, axis, scaleConstraint, convention);
        }
        int bits = o != null && o.bits() != null ? o.bits() : activationBits;
        if (o != null && o.granularity() == Granularity.PER_CHANNEL) {
            throw new InputException("activation quantizer '" + site.name() + "' is per tensor; per-channel"
                    + " granularity applies to weights only");
        }
        boolean signed = activationSymmetric && !(adaptiveActivationSign && site.nonNegative());
        return new QuantizerSpec(bits, signed, activationSymmetric, Granularity.PER_TENSOR, -1, scaleConstraint,
                convention);
    }

    /** A copy with other bit widths. */
    public QuantSettings withBits(int weight, int activation) {
        return new QuantSettings(weight, activation, weightGranularity, weightSymmetric, activationSymmetric,
                adaptiveActivationSign, scaleConstraint, convention, weightRange, activationRange, foldBatchNorm,
                placement, biasInt32, preset, overrides);
    }

    /** A copy with another weight granularity. */
    public QuantSettings withWeightGranularity(Granularity g) {
        return new QuantSettings(weightBits, activationBits, g, weightSymmetric, activationSymmetric,
                adaptiveActivationSign, scaleConstraint, convention, weightRange, activationRange, foldBatchNorm,
                placement, biasInt32, preset, overrides);
    }

    /** A copy with other range methods. */
    public QuantSettings withRanges(String weight, String activation) {
        return new QuantSettings(weightBits, activationBits, weightGranularity, weightSymmetric, activationSymmetric,
                adaptiveActivationSign, scaleConstraint, convention, weight, activation, foldBatchNorm, placement,
                biasInt32, preset, overrides);
    }

    /** A copy with another scale convention. */
    public QuantSettings withConvention(ScaleConvention c) {
        return new QuantSettings(weightBits, activationBits, weightGranularity, weightSymmetric, activationSymmetric,
                adaptiveActivationSign, scaleConstraint, c, weightRange, activationRange, foldBatchNorm, placement,
                biasInt32, preset, overrides);
    }

    /** A copy with int32 biases on or off. */
    public QuantSettings withBiasInt32(boolean on) {
        return new QuantSettings(weightBits, activationBits, weightGranularity, weightSymmetric, activationSymmetric,
                adaptiveActivationSign, scaleConstraint, convention, weightRange, activationRange, foldBatchNorm,
                placement, on, preset, overrides);
    }

    /** A copy with the given per-quantizer overrides (replacing the current ones). */
    public QuantSettings withOverrides(Map<String, QuantizerOverride> o) {
        return new QuantSettings(weightBits, activationBits, weightGranularity, weightSymmetric, activationSymmetric,
                adaptiveActivationSign, scaleConstraint, convention, weightRange, activationRange, foldBatchNorm,
                placement, biasInt32, preset, o);
    }

    /** A copy with one more override. */
    public QuantSettings withOverride(String site, QuantizerOverride o) {
        Map<String, QuantizerOverride> m = new LinkedHashMap<>(overrides);
        m.put(site, o);
        return withOverrides(m);
    }

    /** A copy with every quantizer of {@code sites} disabled (weights and/or activations). */
    public QuantSettings disabling(List<QuantizerSite> sites) {
        Map<String, QuantizerOverride> m = new LinkedHashMap<>(overrides);
        sites.forEach(s -> m.put(s.name(), QuantizerOverride.DISABLED));
        return withOverrides(m);
    }

    /** The settings as text for provenance, in a stable order. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("preset", preset);
        m.put("weightBits", String.valueOf(weightBits));
        m.put("activationBits", String.valueOf(activationBits));
        m.put("weightGranularity", weightGranularity.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put("weightSymmetric", String.valueOf(weightSymmetric));
        m.put("activationSymmetric", String.valueOf(activationSymmetric));
        m.put("adaptiveActivationSign", String.valueOf(adaptiveActivationSign));
        m.put("scaleType", scaleConstraint == ScaleConstraint.POWER_OF_TWO ? "power-of-two" : "float");
        m.put("scaleConvention", convention.name().toLowerCase(Locale.ROOT));
        m.put("weightRange", weightRange);
        m.put("activationRange", activationRange);
        m.put("foldBatchNorm", String.valueOf(foldBatchNorm));
        m.put("placement", placement.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put("bias", biasInt32 ? "int32" : "float");
        m.put("overrides", String.valueOf(overrides.size()));
        return m;
    }
}
