package org.quantscope.core.transform;

import org.quantscope.core.InputException;
import org.quantscope.core.analysis.BitWidthSensitivity;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.SubsetDataset;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.BitWidthVariants;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mixed precision (issue 6; the last step of the white paper's debugging flow chart, Fig. 9, "allowing a higher
 * bit-width for problematic quantizers"): a sensitivity-guided search over per-quantizer bit widths that gives a
 * Pareto front of accuracy versus cost, from which the user picks a point.
 *
 * <ol>
 *   <li>Every quantizer is calibrated at every candidate width once ({@link BitWidthVariants}); any mix is then
 *       assembled exactly without calibrating again.</li>
 *   <li>Phase 1 ({@link BitWidthSensitivity}): with every other quantizer at the base, each quantizer is raised to
 *       each of its candidates and the accuracy and logit KL divergence measured on the search samples (runs start
 *       at the layer, from cached activations).</li>
 *   <li>Phase 2, a greedy walk from the base: each step applies the raise with the best estimated gain per unit of
 *       cost, the gain of raising q from width c to b being gain(q, b) - gain(q, c) from phase 1 (additivity
 *       assumed), and measures the resulting configuration's accuracy. Raises that cost nothing on the axis and gain
 *       come first; raises with no estimated gain last, cheapest first.</li>
 *   <li>The front is the non-dominated set of the measured points ({@link ParetoFront}); the target picks one
 *       ({@link MixedPrecisionTarget}).</li>
 * </ol>
 *
 * <p>Deterministic: same inputs, same points (ties are broken by quantizer order, then width).
 */
public final class MixedPrecision {

    /** The cost the walk minimizes and the front is drawn against. */
    public enum CostAxis {
        /** Weight memory (elements x bits); only weight candidates are searched (activations cost no memory). */
        SIZE,
        /** Bit operations (MACs x weight bits x input activation bits): weights and activations. */
        BOPS
    }

    /** What the phase-1 gain is measured in. */
    public enum Metric {
        /** Accuracy points on the search samples. */
        ACCURACY,
        /** Reduction of the mean logit KL divergence from FP32 (a smoother proxy on few samples). */
        KL
    }

    /**
     * Search options.
     *
     * @param candidates the candidate widths
     * @param cost       the cost axis
     * @param metric     the phase-1 gain
     * @param samples    search samples used (the first ones of the search data)
     * @param batchSize  samples per run
     * @param cacheBytes memory for cut activations in phase 1 (0: runs from the model input)
     * @param fullFront  walk until every quantizer is at its highest candidate instead of stopping at the target
     */
    public record Options(MixedPrecisionCandidates candidates, CostAxis cost, Metric metric, int samples,
                          int batchSize, long cacheBytes, boolean fullFront) {

        /** Default candidates, BOPs, KL, 2,000 samples, batches of 100, 256 MiB cache, stop at the target. */
        public static final Options DEFAULT = new Options(MixedPrecisionCandidates.DEFAULT, CostAxis.BOPS, Metric.KL,
                2000, 100, 256L << 20, false);

        /** Checks the values. */
        public Options {
            if (samples < 1) {
                throw new InputException("the mixed-precision search needs at least 1 sample, got " + samples);
            }
            if (batchSize < 1) {
                throw new InputException("batch size must be at least 1, got " + batchSize);
            }
        }
    }

    /**
     * Phase 1 for one quantizer.
     *
     * @param quantizer quantizer name
     * @param weight    whether it is a weight quantizer
     * @param baseBits  its base width
     * @param raises    one measurement per candidate above the base
     */
    public record QuantizerSensitivity(String quantizer, boolean weight, int baseBits,
                                       List<BitWidthSensitivity.Measurement> raises) {

        /** Copies the list. */
        public QuantizerSensitivity {
            raises = List.copyOf(raises);
        }
    }

    /**
     * What the search measured.
     *
     * @param options            the options
     * @param target             the target the walk stopped at, or null for a full front
     * @param fp32Accuracy       FP32 accuracy of the model as loaded on the search samples
     * @param samples            search samples
     * @param searchData         description of the search samples
     * @param sensitivities      phase 1, per quantizer
     * @param points             the walk (step 0 = base)
     * @param front              the Pareto front of {@code points}, cheapest first
     * @param calibrationSeconds time to calibrate every width
     * @param sensitivitySeconds time of phase 1
     * @param walkSeconds        time of phase 2
     * @param variants           the calibrated widths (to build any point's model)
     * @param cost               the cost model
     */
    public record Result(Options options, MixedPrecisionTarget target, double fp32Accuracy, int samples,
                         String searchData, List<QuantizerSensitivity> sensitivities, List<MixedPrecisionPoint> points,
                         List<MixedPrecisionPoint> front, double calibrationSeconds, double sensitivitySeconds,
                         double walkSeconds, BitWidthVariants variants, BitCost cost) {

        /** Copies the lists. */
        public Result {
            sensitivities = List.copyOf(sensitivities);
            points = List.copyOf(points);
            front = List.copyOf(front);
        }

        /** The base (uniform) point. */
        public MixedPrecisionPoint base() {
            return points.get(0);
        }

        /** Total search time in seconds. */
        public double seconds() {
            return calibrationSeconds + sensitivitySeconds + walkSeconds;
        }

        /** The calibrated model of a point. */
        public QuantizedModel model(MixedPrecisionPoint p) {
            return variants.mix(p.bits());
        }

        /** The settings of a point: the base settings with per-quantizer overrides; they export like any other. */
        public QuantSettings settings(MixedPrecisionPoint p) {
            return variants.settings(p.bits());
        }
    }

    private MixedPrecision() {
    }

    /**
     * The labelled samples of the calibration pool that the calibration draw did not take, in a seeded random order:
     * searching there keeps the test set out of the choice.
     *
     * @param pool        calibration pool, as calibration draws from it
     * @param labelled    the same pool with its labels (may be {@code pool} itself)
     * @param calibration the calibration draw
     * @param seed        order of the remaining samples
     * @return the search split, on {@code labelled}
     * @throws InputException when the calibration draw takes the whole pool
     */
    public static SubsetDataset searchSplit(Dataset pool, Dataset labelled, CalibrationSettings calibration,
                                            long seed) {
        SubsetDataset calib = CalibrationSampler.sample(pool, calibration.sampling(), calibration.size(),
                calibration.seed());
        Set<Integer> used = new java.util.HashSet<>();
        for (int i : calib.indices()) {
            used.add(i);
        }
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            if (!used.contains(i)) {
                rest.add(i);
            }
        }
        if (rest.isEmpty()) {
            throw new InputException("the calibration draw takes all " + pool.size() + " samples of "
                    + pool.sourceName() + "; leave some for the mixed-precision search (lower @{calibSize}) or "
                    + "search on the test set");
        }
        java.util.Collections.shuffle(rest, new java.util.Random(seed));
        if (labelled.size() != pool.size()) {
            throw new IllegalArgumentException("the labelled pool has " + labelled.size() + " samples, the pool "
                    + pool.size());
        }
        return new SubsetDataset(labelled, rest.stream().mapToInt(Integer::intValue).toArray(),
                pool.description() + " without the " + calib.size() + " calibration samples");
    }

    /**
     * Runs the search.
     *
     * @param original    the model as loaded (the FP32 reference)
     * @param transformed the folded model after post-training fixes that do not depend on the bits (CLE, bias
     *                    absorption), or null
     * @param base        the base settings (every quantizer's starting width)
     * @param pool        calibration pool
     * @param search      labelled samples the points are measured on
     * @param calibration calibration draw
     * @param options     options
     * @param target      where the walk may stop (unless {@link Options#fullFront}), or null for a full front
     * @param session     ONNX Runtime settings
     * @param progress    progress of every phase
     * @param cancel      cancellation
     * @return the points, the front and the sensitivities
     */
    public static Result search(OnnxModel original, OnnxModel transformed, QuantSettings base, Dataset pool,
                                Dataset search, CalibrationSettings calibration, Options options,
                                MixedPrecisionTarget target, SessionSettings session, ProgressListener progress,
                                CancellationToken cancel) {
        MixedPrecisionCandidates cand = options.candidates();
        boolean acts = options.cost() == CostAxis.BOPS;
        long t0 = System.nanoTime();
        BitWidthVariants variants = BitWidthVariants.prepare(original, transformed, base, cand.weightBits(),
                acts ? cand.activationBits() : List.of(), pool, calibration, session, progress, cancel);
        QuantizedModel qm = variants.base();
        BitCost cost = BitCost.of(qm, search, session, cancel);
        Map<String, Integer> baseBits = new LinkedHashMap<>();
        for (QuantizerState q : qm.quantizers()) {
            baseBits.put(q.site().name(), q.enabled() ? q.spec().bits() : BitWidthVariants.FLOAT);
        }
        if (target != null && !target.isDrop() && cost.averageWeightBits(baseBits) > target.maxAverageBits() + 1e-9) {
            throw new InputException(String.format(java.util.Locale.ROOT, "@{targetBits} %.2f is below the base "
                    + "configuration's %.2f average weight bits; mixed precision only raises widths: lower @{weightBits} "
                    + "or raise the target", target.maxAverageBits(), cost.averageWeightBits(baseBits)));
        }
        Map<String, List<Integer>> raises = new LinkedHashMap<>();
        for (QuantizerState q : qm.quantizers()) {
            if (q.enabled() && (q.site().isWeight() || acts)) {
                List<Integer> r = cand.raisesFrom(q.site().isWeight(), q.spec().bits());
                if (!r.isEmpty()) {
                    raises.put(q.site().name(), r);
                }
            }
        }
        if (raises.isEmpty()) {
            throw new InputException("no quantizer can be raised: every candidate (" + cand.text() + ") is at or "
                    + "below the base widths" + (acts ? "" : " (activation candidates need @{mpCost})"));
        }
        int n = Math.min(options.samples(), search.size());
        double fp32;
        try (InferenceSession s = InferenceSession.open(original, session.forEvaluation())) {
            fp32 = Evaluator.evaluate(s, search, new EvaluationSettings(options.batchSize(), n),
                    named(progress, "FP32 on the search samples"), cancel).accuracy();
        }
        long t1 = System.nanoTime();
        BitWidthSensitivity.Result sens = BitWidthSensitivity.measure(variants, raises, search, n,
                options.batchSize(), options.cacheBytes(), session, progress, cancel);
        long t2 = System.nanoTime();
        Map<String, Map<Integer, Double>> gain = new LinkedHashMap<>();
        List<QuantizerSensitivity> sensitivities = new ArrayList<>();
        for (String q : raises.keySet()) {
            List<BitWidthSensitivity.Measurement> ms = sens.measurements().stream()
                    .filter(m -> m.quantizer().equals(q)).toList();
            Map<Integer, Double> g = new LinkedHashMap<>();
            for (BitWidthSensitivity.Measurement m : ms) {
                g.put(m.bits(), options.metric() == Metric.ACCURACY ? 100 * (m.accuracy() - sens.base().accuracy())
                        : sens.base().meanLogitKl() - m.meanLogitKl());
            }
            gain.put(q, g);
            sensitivities.add(new QuantizerSensitivity(q, qm.quantizer(q).orElseThrow().site().isWeight(),
                    baseBits.get(q), ms));
        }
        List<MixedPrecisionPoint> points = new ArrayList<>();
        points.add(point(0, "", 0, baseBits, sens.base().accuracy(), fp32, cost));
        Map<String, Integer> current = new LinkedHashMap<>(baseBits);
        int maxSteps = raises.values().stream().mapToInt(List::size).sum();
        for (int step = 1; step <= maxSteps; step++) {
            if (target != null && !options.fullFront() && target.isDrop() && target.isMet(points.get(points.size()
                    - 1))) {
                break;
            }
            String[] pick = pick(raises, gain, current, baseBits, cost, options.cost(),
                    options.fullFront() ? null : target);
            if (pick == null) {
                break;
            }
            current.put(pick[0], Integer.parseInt(pick[1]));
            cancel.throwIfCancelled();
            double acc = QuantizationSimulator.evaluate(variants.mix(current), search,
                    new EvaluationSettings(options.batchSize(), n), session,
                    named(progress, "Search step " + step + ": " + pick[0] + " at " + label(Integer.parseInt(pick[1]))),
                    cancel).accuracy();
            points.add(point(step, pick[0], Integer.parseInt(pick[1]), current, acc, fp32, cost));
        }
        long t3 = System.nanoTime();
        return new Result(options, options.fullFront() ? null : target, fp32, n, search.description(),
                sensitivities, points, ParetoFront.of(points, options.cost()), (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                (t3 - t2) / 1e9, variants, cost);
    }

    /**
     * The next raise of the walk as {quantizer, width}, or null when none is left (or none fits a width target).
     * Order: free raises with a gain (largest gain first), then raises with a gain (largest gain per cost first),
     * then raises without a gain (cheapest first); ties keep quantizer order, then width order.
     */
    static String[] pick(Map<String, List<Integer>> raises, Map<String, Map<Integer, Double>> gain,
                         Map<String, Integer> current, Map<String, Integer> baseBits, BitCost cost, CostAxis axis,
                         MixedPrecisionTarget budget) {
        double now = axisCost(cost, axis, current);
        String bestQ = null;
        int bestB = 0;
        int bestClass = -1;
        double bestValue = 0;
        for (Map.Entry<String, List<Integer>> e : raises.entrySet()) {
            String q = e.getKey();
            int c = current.get(q);
            double g0 = c == baseBits.get(q) ? 0 : gain.get(q).get(c);
            for (int b : e.getValue()) {
                if (b <= c) {
                    continue;
                }
                Map<String, Integer> next = new LinkedHashMap<>(current);
                next.put(q, b);
                if (budget != null && !budget.isDrop() && cost.averageWeightBits(next)
                        > budget.maxAverageBits() + 1e-9) {
                    continue;
                }
                double dGain = gain.get(q).get(b) - g0;
                double dCost = axisCost(cost, axis, next) - now;
                int cls = dGain > 0 ? (dCost <= 0 ? 2 : 1) : 0;
                double value = cls == 2 ? dGain : cls == 1 ? dGain / dCost : -dCost;
                if (cls > bestClass || cls == bestClass && value > bestValue) {
                    bestQ = q;
                    bestB = b;
                    bestClass = cls;
                    bestValue = value;
                }
            }
        }
        return bestQ == null ? null : new String[] {bestQ, String.valueOf(bestB)};
    }

    private static double axisCost(BitCost cost, CostAxis axis, Map<String, Integer> bits) {
        return axis == CostAxis.SIZE ? cost.sizeBits(bits) : cost.bops(bits);
    }

    private static MixedPrecisionPoint point(int step, String raised, int to, Map<String, Integer> bits,
                                             double accuracy, double fp32, BitCost cost) {
        return new MixedPrecisionPoint(step, raised, to, bits, accuracy, 100 * (fp32 - accuracy), cost.sizeBits(bits),
                cost.averageWeightBits(bits), cost.bops(bits));
    }

    /** A width as text: {@code 8 bits} or {@code float}. */
    public static String label(int bits) {
        return bits == BitWidthVariants.FLOAT ? "float" : bits + " bits";
    }

    private static ProgressListener named(ProgressListener p, String message) {
        return (done, total, m) -> p.onProgress(done, total, message);
    }

    /** Quantizer names of a point whose width differs from the base. */
    public static Set<String> changed(MixedPrecisionPoint p, MixedPrecisionPoint base) {
        Set<String> s = new LinkedHashSet<>();
        p.bits().forEach((k, v) -> {
            if (!v.equals(base.bits().get(k))) {
                s.add(k);
            }
        });
        return s;
    }
}
