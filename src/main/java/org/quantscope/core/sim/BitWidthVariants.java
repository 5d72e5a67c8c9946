package org.quantscope.core.sim;

import org.quantscope.core.InputException;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every quantizer of a model calibrated at every candidate bit width, so that any per-quantizer mix of bit widths
 * (mixed precision) is assembled without calibrating again.
 *
 * <p><b>Why a mix is exact.</b> A weight encoding depends only on that weight and its spec (bits, grid, granularity,
 * range method). An activation encoding depends only on the FP32 activations of the calibration samples and its own
 * spec, because calibration observes the float model with every quantizer off ({@link Calibrator}). So the state of
 * quantizer q at b bits is the same in a model where every quantizer has b bits as in any mix where q has b bits:
 * {@link #mix} takes each quantizer's state from the uniform model of its width and rebuilds the simulation graph
 * (int32 bias scales follow the mixed encodings). One calibration per candidate width keeps every range method exact
 * (MSE, KL, percentile and cross-entropy ranges depend on the bits; only min-max could share one pass).
 * {@link #settings} gives the same mix as ordinary {@link QuantSettings} overrides, which
 * {@link QuantizationSimulator#prepare} turns into the identical model (tested), so a mix exports like any other.
 *
 * <p>Bit widths are 2..16; {@link #FLOAT} (32) stands for a disabled quantizer (float fallback). Quantizers the base
 * settings disable stay disabled and are not part of any mix.
 */
public final class BitWidthVariants {

    /** The bit width that stands for "not quantized" (float fallback). */
    public static final int FLOAT = 32;

    private final QuantizedModel base;
    private final Map<String, Integer> baseBits;
    private final Map<Integer, QuantizedModel> weightLevels;
    private final Map<Integer, QuantizedModel> activationLevels;

    private BitWidthVariants(QuantizedModel base, Map<String, Integer> baseBits,
                             Map<Integer, QuantizedModel> weightLevels, Map<Integer, QuantizedModel> activationLevels) {
        this.base = base;
        this.baseBits = baseBits;
        this.weightLevels = weightLevels;
        this.activationLevels = activationLevels;
    }

    /**
     * Calibrates the base settings and one uniform model per extra candidate width (weights and activations of the
     * same index share a calibration run).
     *
     * @param original       the model as loaded
     * @param transformed    the folded, transformed model (post-training fixes), or null
     * @param base           the base settings (every quantizer's starting width)
     * @param weightBits     candidate weight widths, 2..16
     * @param activationBits candidate activation widths, 2..16
     * @param pool           calibration pool
     * @param calibration    calibration draw (the same for every width)
     * @param session        ONNX Runtime settings
     * @param progress       progress
     * @param cancel         cancellation
     * @return the variants
     */
    public static BitWidthVariants prepare(OnnxModel original, OnnxModel transformed, QuantSettings base,
                                           List<Integer> weightBits, List<Integer> activationBits, Dataset pool,
                                           CalibrationSettings calibration, SessionSettings session,
                                           ProgressListener progress, CancellationToken cancel) {
        TreeSet<Integer> w = new TreeSet<>(weightBits);
        TreeSet<Integer> a = new TreeSet<>(activationBits);
        for (int b : w) {
            checkBits(b);
        }
        for (int b : a) {
            checkBits(b);
        }
        List<Integer> wl = new ArrayList<>(w);
        List<Integer> al = new ArrayList<>(a);
        int levels = Math.max(wl.size(), al.size());
        QuantizedModel baseModel = QuantizationSimulator.prepare(original, transformed, base, pool, calibration,
                session, stage(progress, 0, levels + 1), cancel);
        Map<String, Integer> baseBits = new LinkedHashMap<>();
        for (QuantizerState q : baseModel.quantizers()) {
            if (q.enabled()) {
                baseBits.put(q.site().name(), q.spec().bits());
            }
        }
        Map<Integer, QuantizedModel> wm = new HashMap<>();
        Map<Integer, QuantizedModel> am = new HashMap<>();
        for (int i = 0; i < levels; i++) {
            cancel.throwIfCancelled();
            Integer wb = wl.isEmpty() ? null : wl.get(Math.min(i, wl.size() - 1));
            Integer ab = al.isEmpty() ? null : al.get(Math.min(i, al.size() - 1));
            QuantSettings s = uniform(base, baseModel, wb, ab);
            QuantizedModel m = QuantizationSimulator.prepare(original, transformed, s, pool, calibration, session,
                    stage(progress, i + 1, levels + 1), cancel);
            if (wb != null) {
                wm.putIfAbsent(wb, m);
            }
            if (ab != null) {
                am.putIfAbsent(ab, m);
            }
        }
        return new BitWidthVariants(baseModel, baseBits, wm, am);
    }

    private static void checkBits(int b) {
        if (b < 2 || b > 16) {
            throw new InputException("candidate bit widths must be between 2 and 16 (float fallback is its own "
                    + "candidate), got " + b);
        }
    }

    /** The base settings with every enabled quantizer of a kind at one width (user overrides keep their other keys). */
    private static QuantSettings uniform(QuantSettings base, QuantizedModel baseModel, Integer wb, Integer ab) {
        QuantSettings s = base;
        for (QuantizerState q : baseModel.quantizers()) {
            Integer b = q.site().isWeight() ? wb : ab;
            if (q.enabled() && b != null) {
                s = s.withOverride(q.site().name(), withBits(base.override(q.site().name()), b));
            }
        }
        return s;
    }

    private static QuantizerOverride withBits(QuantizerOverride o, int bits) {
        return o == null ? QuantizerOverride.bits(bits) : new QuantizerOverride(true, bits, o.granularity(),
                o.rangeMethod());
    }

    /** The model with the base settings. */
    public QuantizedModel base() {
        return base;
    }

    /** Per enabled quantizer of the base, its base width (weights first, in graph order). */
    public Map<String, Integer> baseBits() {
        return java.util.Collections.unmodifiableMap(baseBits);
    }

    /** The candidate weight widths calibrated (ascending). */
    public List<Integer> weightBits() {
        return new ArrayList<>(new TreeSet<>(weightLevels.keySet()));
    }

    /** The candidate activation widths calibrated (ascending). */
    public List<Integer> activationBits() {
        return new ArrayList<>(new TreeSet<>(activationLevels.keySet()));
    }

    /**
     * The state of one quantizer at a width.
     *
     * @param name quantizer name
     * @param bits a calibrated width, the quantizer's base width, or {@link #FLOAT}
     * @return its state
     * @throws IllegalArgumentException for a width that was not calibrated
     */
    public QuantizerState state(String name, int bits) {
        QuantizerState b = base.quantizer(name).orElseThrow(() -> new IllegalArgumentException(
                "no quantizer " + name));
        if (!b.enabled() || bits == baseBits.get(name)) {
            return b;
        }
        if (bits == FLOAT) {
            return new QuantizerState(b.site(), false, null, b.rangeMethod(), null, null, null, null,
                    "float (mixed precision)");
        }
        QuantizedModel level = (b.site().isWeight() ? weightLevels : activationLevels).get(bits);
        if (level == null) {
            throw new IllegalArgumentException(bits + " bits were not calibrated for " + name);
        }
        return level.quantizer(name).orElseThrow();
    }

    /**
     * The base model with some quantizers at other widths.
     *
     * @param bits per quantizer name, its width ({@link #FLOAT} for float); quantizers not named keep the base width
     * @return the calibrated model, with the settings of {@link #settings}
     */
    public QuantizedModel mix(Map<String, Integer> bits) {
        List<QuantizerState> states = new ArrayList<>();
        for (QuantizerState q : base.quantizers()) {
            Integer b = bits.get(q.site().name());
            states.add(b == null ? q : state(q.site().name(), b));
        }
        QuantSettings s = settings(bits);
        SimulationGraphBuilder.Built built = SimulationGraphBuilder.build(base.prepared(), states, s.biasInt32());
        return new QuantizedModel(base.original(), base.prepared(), built.simulation(), states, built.biases(), s,
                base.calibration(), base.calibrationData(), base.warnings());
    }

    /**
     * The base settings with per-quantizer overrides giving the mix (widths equal to the base are left as they are).
     *
     * @param bits per quantizer name, its width ({@link #FLOAT} for float)
     * @return settings that {@link QuantizationSimulator#prepare} turns into {@link #mix}
     */
    public QuantSettings settings(Map<String, Integer> bits) {
        QuantSettings s = base.settings();
        for (Map.Entry<String, Integer> e : bits.entrySet()) {
            Integer b0 = baseBits.get(e.getKey());
            if (b0 == null || e.getValue().equals(b0)) {
                continue;
            }
            s = e.getValue() == FLOAT ? s.withOverride(e.getKey(), QuantizerOverride.DISABLED)
                    : s.withOverride(e.getKey(), withBits(s.override(e.getKey()), e.getValue()));
        }
        return s;
    }

    private static ProgressListener stage(ProgressListener p, int index, int count) {
        return (done, total, m) -> p.onProgress(total > 0 ? (long) index * total + done : 0,
                total > 0 ? (long) count * total : 0, "Calibrating candidate widths (" + (index + 1) + "/" + count
                        + ")");
    }
}
