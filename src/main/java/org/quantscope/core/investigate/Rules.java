package org.quantscope.core.investigate;

import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.transform.AdaRound;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The decision rules of the investigation, as pure functions of measured figures, with their thresholds stated
 * relative to the user's target (docs/investigation.md lists them):
 * <ul>
 *   <li>a part (weights, activations) is worth fixing when quantizing it alone costs more than half the target drop;
 *       when neither part alone does, but together they exceed the target, both are;</li>
 *   <li>a remedy is kept when it was measured to gain at least {@link #minGain} points: 5 % of the target drop, and
 *       never less than two test samples;</li>
 *   <li>no fix is tried once the target is met (a model that needs nothing is not "fixed");</li>
 *   <li>a locked setting (by the user or by the hardware preset) is never changed.</li>
 * </ul>
 */
public final class Rules {

    /** Share of the target drop a part alone must cost to be worth fixing. */
    public static final double PART_SHARE = 0.5;
    /** Share of the target drop a remedy must gain to be kept. */
    public static final double GAIN_SHARE = 0.05;

    private Rules() {
    }

    /**
     * Which parts the fixes should address.
     *
     * @param weights     whether the weight branch applies
     * @param activations whether the activation branch applies
     * @param reason      why, with the figures
     */
    public record Branches(boolean weights, boolean activations, String reason) {
    }

    /**
     * Whether a step applies.
     *
     * @param applies whether to run it
     * @param reason  why (or why it was skipped)
     */
    public record Applies(boolean applies, String reason) {
        static Applies yes(String reason) {
            return new Applies(true, reason);
        }

        static Applies no(String reason) {
            return new Applies(false, reason);
        }
    }

    /**
     * The smallest gain that counts, in points.
     *
     * @param t           the targets
     * @param testSamples test samples the accuracy is measured on
     * @return 5 % of the target drop, at least two samples' worth
     */
    public static double minGain(Targets t, int testSamples) {
        return Math.max(GAIN_SHARE * t.drop(), 200.0 / Math.max(1, testSamples));
    }

    /**
     * The weights-versus-activations decision (white paper §3.7).
     *
     * @param t               the targets
     * @param weightsDrop     points lost with only the weights quantized
     * @param activationsDrop points lost with only the activations quantized
     * @return the branches to take
     */
    public static Branches split(Targets t, double weightsDrop, double activationsDrop) {
        double half = PART_SHARE * t.drop();
        boolean w = weightsDrop > half;
        boolean a = activationsDrop > half;
        String figures = String.format(Locale.ROOT, "weights alone cost %.2f points, activations alone %.2f (half the "
                + "target is %.2f)", weightsDrop, activationsDrop, half);
        if (w && a) {
            return new Branches(true, true, figures + ": both need fixing");
        }
        if (w) {
            return new Branches(true, false, figures + ": the weights cause the drop");
        }
        if (a) {
            return new Branches(false, true, figures + ": the activations cause the drop");
        }
        return new Branches(true, true, figures + ": neither alone explains the drop; both are addressed");
    }

    /**
     * Whether a fix step applies, before anything is measured.
     *
     * @param id       the step
     * @param met      whether the latest accuracy meets the targets
     * @param branches the split's decision
     * @param setup    locks and targets
     * @param current  the configuration now
     * @return whether to run it, and why
     */
    public static Applies fixStep(StepId id, boolean met, Branches branches, InvestigationSetup setup,
                                  QuantConfig current) {
        if (met) {
            return Applies.no("the target is met (" + setup.targets().describe() + "); nothing to fix");
        }
        String weightsNo = "the weights are not the problem: " + branches.reason();
        String actsNo = "the activations are not the problem: " + branches.reason();
        switch (id) {
            case PER_CHANNEL:
                if (!branches.weights()) {
                    return Applies.no(weightsNo);
                }
                if (setup.locked(Lock.GRANULARITY)) {
                    return Applies.no(setup.lockReason(Lock.GRANULARITY));
                }
                if (current.scheme().weightGranularity() == Granularity.PER_CHANNEL) {
                    return Applies.no("the weights are already per-channel");
                }
                return Applies.yes("per-tensor weights share one grid across channels of very different ranges");
            case CLE:
                if (!branches.weights()) {
                    return Applies.no(weightsNo);
                }
                if (setup.locked(Lock.FIXES)) {
                    return Applies.no(setup.lockReason(Lock.FIXES));
                }
                if (current.fixes().cle()) {
                    return Applies.no("cross-layer equalization is already applied");
                }
                if (!current.scheme().foldBatchNorm()) {
                    return Applies.no("cross-layer equalization needs BatchNormalization folded, and these settings "
                            + "keep it");
                }
                return Applies.yes(current.scheme().weightGranularity() == Granularity.PER_CHANNEL
                        ? "per-channel weights did not suffice; equalizing channel ranges can still help"
                        : "per-channel weights are not used here; equalizing channel ranges gives per-tensor "
                        + "weights most of their benefit");
            case BIAS_CORRECTION:
                if (!branches.weights()) {
                    return Applies.no(weightsNo);
                }
                if (setup.locked(Lock.FIXES)) {
                    return Applies.no(setup.lockReason(Lock.FIXES));
                }
                if (current.fixes().biasCorrection() != null) {
                    return Applies.no("bias correction is already applied");
                }
                return Applies.yes("weight rounding shifts each layer's output mean; correcting the bias removes "
                        + "that shift");
            case ADAROUND:
                if (!branches.weights()) {
                    return Applies.no(weightsNo);
                }
                if (setup.locked(Lock.FIXES)) {
                    return Applies.no(setup.lockReason(Lock.FIXES));
                }
                if (current.fixes().adaround() != null) {
                    return Applies.no("AdaRound is already applied");
                }
                return Applies.yes("rounding to nearest is not optimal for the layer's output; learned rounding "
                        + "minimizes each layer's reconstruction error" + (current.fixes().biasCorrection() != null
                        ? " (it replaces bias correction, whose mean shift it includes)" : ""));
            case ACTIVATION_RANGE:
                if (!branches.activations()) {
                    return Applies.no(actsNo);
                }
                if (setup.locked(Lock.RANGE)) {
                    return Applies.no(setup.lockReason(Lock.RANGE));
                }
                return Applies.yes("the range-setting method trades clipping against rounding error; min-max is "
                        + "dominated by outliers");
            case LAYER_REMEDIES:
                if (setup.locked(Lock.GRANULARITY) && setup.locked(Lock.BITS) && setup.locked(Lock.RANGE)
                        && setup.locked(Lock.FLOAT)) {
                    return Applies.no("every per-layer remedy is locked (granularity, bits, range, float)");
                }
                return Applies.yes("some layers are still over the error threshold");
            case MIXED_PRECISION:
                if (setup.locked(Lock.BITS)) {
                    return Applies.no(setup.lockReason(Lock.BITS));
                }
                return Applies.yes("uniform bit widths did not meet the target; some quantizers need more bits");
            default:
                throw new IllegalArgumentException(id + " is not a fix step");
        }
    }

    /**
     * The candidate to keep: the largest measured gain, if it reaches {@code minGain}.
     *
     * @param candidates the measured candidates
     * @param minGain    the smallest gain that counts, in points
     * @return its index, or -1 when none helped
     */
    public static int choose(List<Candidate> candidates, double minGain) {
        int best = -1;
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).gain() >= minGain
                    && (best < 0 || candidates.get(i).gain() > candidates.get(best).gain())) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Oscillation of the layer-wise reconstruction loss along the network (Ma et al. 2023, Theorem 1: for adjacent
     * equivalent modules the loss does not fall, since quantization error accumulates): the layers whose AdaRound
     * loss is lower than that of the layer before them. Layers AdaRound skipped are left out. The theorem assumes
     * modules of equal capacity; between layers of very different sizes a fall is a hint, not a proof.
     *
     * @param layers AdaRound's layers in graph order
     * @return the indices (into {@code layers}) of the layers where the loss falls
     */
    public static List<Integer> oscillations(List<AdaRound.LayerResult> layers) {
        List<Integer> out = new ArrayList<>();
        int prev = -1;
        for (int i = 0; i < layers.size(); i++) {
            AdaRound.LayerResult l = layers.get(i);
            double loss = loss(l);
            if ("skipped".equals(l.kept()) || !Double.isFinite(loss)) {
                continue;
            }
            if (prev >= 0 && loss < loss(layers.get(prev))) {
                out.add(i);
            }
            prev = i;
        }
        return out;
    }

    /** The reconstruction loss AdaRound kept for a layer (learned or nearest, whichever it chose). */
    public static double loss(AdaRound.LayerResult l) {
        return "adaround".equals(l.kept()) ? l.adaroundLoss() : l.nearestLoss();
    }
}
