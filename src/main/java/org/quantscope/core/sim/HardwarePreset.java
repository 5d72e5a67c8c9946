package org.quantscope.core.sim;

import org.quantscope.core.InputException;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.ScaleConstraint;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Quantizer schemes of deployment back-ends, after MQBench (Li et al. 2021) Table 1 and Appendix E. A preset fixes
 * the weight granularity and symmetry, the activation symmetry, the scale type, BN folding and which activations
 * are quantized; bit widths and range methods stay free (MQBench runs every back-end at 4 and 8 bits), so
 * {@code --preset tensorrt --w-bits 4} is allowed, while {@code --preset tensorrt --w-granularity per-tensor} is a
 * contradiction. See {@code docs/presets.md}.
 */
public enum HardwarePreset {
    /**
     * Academic setting: per-tensor symmetric weights, symmetric activations with adaptive sign (unsigned after ReLU),
     * BN not folded, only layer inputs quantized (MQBench graph 1).
     */
    ACADEMIC("academic", Granularity.PER_TENSOR, true, true, true, ScaleConstraint.FREE, false,
            ActivationPlacement.LAYER_INPUTS),
    /**
     * NVIDIA TensorRT (GPU): per-channel symmetric int8 weights, symmetric signed int8 activations, float scales, BN
     * folded, every layer quantized with a residual Add fused into one convolution's bias (graph 2).
     */
    TENSORRT("tensorrt", Granularity.PER_CHANNEL, true, true, false, ScaleConstraint.FREE, true,
            ActivationPlacement.TENSORRT),
    /**
     * Qualcomm SNPE (Hexagon DSP): per-tensor asymmetric (uint8) weights and activations, float scales, BN folded,
     * the whole graph quantized (graph 3).
     */
    SNPE("snpe", Granularity.PER_TENSOR, false, false, false, ScaleConstraint.FREE, true,
            ActivationPlacement.NETWORK),
    /**
     * Facebook FBGEMM (x86 CPU): per-channel symmetric int8 weights and asymmetric uint8 activations (the scheme of
     * PyTorch's fbgemm qconfig; MQBench's table lists the back-end as per-channel/asymmetric), float scales, BN
     * folded, the whole graph quantized (graph 3). PyTorch's 7-bit {@code reduce_range} is not modelled.
     */
    FBGEMM("fbgemm", Granularity.PER_CHANNEL, true, false, false, ScaleConstraint.FREE, true,
            ActivationPlacement.NETWORK),
    /**
     * TVM (ARM CPU): per-tensor symmetric weights and activations with power-of-two scales (shift instead of
     * multiply), BN folded, the whole graph quantized (graph 3).
     */
    TVM("tvm", Granularity.PER_TENSOR, true, true, false, ScaleConstraint.POWER_OF_TWO, true,
            ActivationPlacement.NETWORK),
    /**
     * HUAWEI ACL (Ascend ASIC): per-channel symmetric weights, asymmetric activations, float scales, BN folded, only
     * the inputs of layers with weights quantized, the rest in float (graph 1).
     */
    ACL("acl", Granularity.PER_CHANNEL, true, false, false, ScaleConstraint.FREE, true,
            ActivationPlacement.LAYER_INPUTS);

    private final String id;
    private final Granularity weightGranularity;
    private final boolean weightSymmetric;
    private final boolean activationSymmetric;
    private final boolean adaptiveSign;
    private final ScaleConstraint scale;
    private final boolean foldBatchNorm;
    private final ActivationPlacement placement;

    HardwarePreset(String id, Granularity weightGranularity, boolean weightSymmetric, boolean activationSymmetric,
                   boolean adaptiveSign, ScaleConstraint scale, boolean foldBatchNorm, ActivationPlacement placement) {
        this.id = id;
        this.weightGranularity = weightGranularity;
        this.weightSymmetric = weightSymmetric;
        this.activationSymmetric = activationSymmetric;
        this.adaptiveSign = adaptiveSign;
        this.scale = scale;
        this.foldBatchNorm = foldBatchNorm;
        this.placement = placement;
    }

    /** The name used on the command line and in the UI. */
    public String id() {
        return id;
    }

    /** Weight granularity the back-end uses. */
    public Granularity weightGranularity() {
        return weightGranularity;
    }

    /** Whether weights are symmetric. */
    public boolean weightSymmetric() {
        return weightSymmetric;
    }

    /** Whether activations are symmetric. */
    public boolean activationSymmetric() {
        return activationSymmetric;
    }

    /** Scale type. */
    public ScaleConstraint scaleConstraint() {
        return scale;
    }

    /** Whether BN is folded. */
    public boolean foldBatchNorm() {
        return foldBatchNorm;
    }

    /** Which activations are quantized. */
    public ActivationPlacement placement() {
        return placement;
    }

    /**
     * The preset applied to {@code base}: the preset's scheme, with {@code base}'s bits, range methods, convention,
     * bias handling and overrides.
     */
    public QuantSettings apply(QuantSettings base) {
        return new QuantSettings(base.weightBits(), base.activationBits(), weightGranularity, weightSymmetric,
                activationSymmetric, adaptiveSign, scale, base.convention(), base.weightRange(),
                base.activationRange(), foldBatchNorm, placement, base.biasInt32(), id, base.overrides());
    }

    /** One line describing the scheme, for help texts and the UI. */
    public String summary() {
        return String.format(Locale.ROOT, "%s weights %s, %s activations, %s scales, BN %s, %s",
                weightGranularity == Granularity.PER_CHANNEL ? "per-channel" : "per-tensor",
                weightSymmetric ? "symmetric" : "asymmetric", activationSymmetric ? (adaptiveSign
                        ? "symmetric (unsigned after ReLU)" : "symmetric") : "asymmetric",
                scale == ScaleConstraint.POWER_OF_TWO ? "power-of-two" : "float",
                foldBatchNorm ? "folded" : "kept", switch (placement) {
                    case NETWORK -> "whole graph quantized";
                    case TENSORRT -> "whole graph, Add fused into a conv";
                    case LAYER_INPUTS -> "only layer inputs quantized";
                });
    }

    /**
     * The preset named {@code name} (any case).
     *
     * @throws InputException for an unknown name, listing the known ones
     */
    public static HardwarePreset byName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (HardwarePreset p : values()) {
            if (p.id.equals(n)) {
                return p;
            }
        }
        throw new InputException("unknown preset '" + name + "'; choose one of "
                + Arrays.stream(values()).map(HardwarePreset::id).collect(Collectors.joining(", ")));
    }
}
