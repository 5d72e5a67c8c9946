package org.quantscope.core.quant;

import java.util.List;
import java.util.Locale;

import org.quantscope.core.InputException;

/**
 * Creates {@link RangeEstimator}s by the names the CLI uses. Activations: {@code minmax}, {@code percentile},
 * {@code mse}, {@code kl}, {@code cosine} ({@link CosineEstimator}), {@code bn} (BN-based needs the layer's BatchNorm
 * parameters, so it is built directly as {@link BatchNormEstimator}). Weights: {@code minmax}, {@code mse} (per channel via {@link PerChannelMinMax} and
 * {@link MseEstimator#perChannel}).
 */
public final class RangeEstimators {

    /** Names accepted for activation quantizers. */
    public static final List<String> ACTIVATION_METHODS = List.of("minmax", "percentile", "mse", "kl", "cosine",
            "bn");

    /** Names accepted for weight quantizers. */
    public static final List<String> WEIGHT_METHODS = List.of("minmax", "mse");

    private RangeEstimators() {
    }

    /**
     * A data-driven estimator for an activation quantizer.
     *
     * @param name one of minmax, percentile, mse, kl, cosine (case-insensitive)
     * @param spec a per-tensor spec
     * @return a fresh estimator
     * @throws InputException for an unknown name, or for bn (which needs BatchNorm parameters)
     */
    public static RangeEstimator forActivations(String name, QuantizerSpec spec) {
        if (spec.granularity() != Granularity.PER_TENSOR) {
            throw new InputException("activation range setting is per tensor; got a per-channel quantizer");
        }
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "minmax" -> new MinMaxEstimator(spec);
            case "percentile" -> new PercentileEstimator(spec);
            case "mse" -> new MseEstimator(spec);
            case "kl" -> new KlEstimator(spec);
            case "cosine" -> new CosineEstimator(spec);
            case "bn" -> throw new InputException("range method 'bn' needs the BatchNorm parameters of the layer"
                    + " that produces the activation; the layer has none, choose one of minmax, percentile, mse, kl,"
                    + " cosine");
            default -> throw new InputException("unknown activation range method '" + name + "'; choose one of "
                    + String.join(", ", ACTIVATION_METHODS));
        };
    }

    /**
     * Per-channel (or per-tensor, one entry) ranges of a weight tensor.
     *
     * @param name  minmax or mse (case-insensitive)
     * @param data  the weights, row-major
     * @param shape their shape
     * @param spec  the weight quantizer
     * @return one range per channel (one for per-tensor specs)
     * @throws InputException for an unknown name or an axis outside the shape
     */
    public static Range[] forWeights(String name, float[] data, int[] shape, QuantizerSpec spec) {
        spec.checkShape(shape, "weight");
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        boolean perChannel = spec.granularity() == Granularity.PER_CHANNEL;
        return switch (n) {
            case "minmax" -> {
                if (perChannel) {
                    yield PerChannelMinMax.ranges(data, shape, spec.axis());
                }
                RunningMinMax mm = new RunningMinMax();
                mm.add(data);
                yield new Range[] {mm.range()};
            }
            case "mse" -> {
                if (perChannel) {
                    yield MseEstimator.perChannel(data, shape, spec);
                }
                MseEstimator e = new MseEstimator(spec);
                e.observe(data);
                yield new Range[] {e.range()};
            }
            default -> throw new InputException("unknown weight range method '" + name + "'; choose one of "
                    + String.join(", ", WEIGHT_METHODS));
        };
    }
}
