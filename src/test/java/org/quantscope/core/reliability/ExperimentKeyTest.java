package org.quantscope.core.reliability;

import org.junit.jupiter.api.Test;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.ScaleConstraint;
import org.quantscope.core.quant.ScaleConvention;
import org.quantscope.core.sim.ActivationPlacement;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizerOverride;
import org.quantscope.core.transform.AdaRoundSettings;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.transform.PtqPipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code --continue} compares (issue 15): two experiments are the same only when every setting that changes a
 * number is the same. Each kind of difference is refused, named as in the configuration's JSON form; a different
 * label alone is not a different experiment.
 */
class ExperimentKeyTest {

    private static final QuantSettings S = QuantSettings.DEFAULT;
    private static final PtqPipeline.Fixes F = PtqPipeline.Fixes.NONE;
    private static final ReliabilitySettings T = new ReliabilitySettings(2, 0, CalibrationSampler.Strategy.RANDOM, 64,
            Perturbation.NONE, List.of(Condition.baseline(32)), 1);

    private static Map<String, String> key(Configuration c, ReliabilitySettings t, String pool, int limit) {
        return ReliabilityExperiment.experimentKey(List.of(c), t, pool, limit);
    }

    private static Map<String, String> base() {
        return key(new Configuration("W8A8", S, F), T, "pool", 300);
    }

    private static List<String> differences(Configuration c) {
        return ReliabilityExperiment.differences(key(c, T, "pool", 300), base());
    }

    private static QuantSettings scheme(UnaryOperator<Object[]> change) {
        Object[] v = {S.weightBits(), S.activationBits(), S.weightGranularity(), S.weightSymmetric(),
            S.activationSymmetric(), S.adaptiveActivationSign(), S.scaleConstraint(), S.convention(), S.weightRange(),
            S.activationRange(), S.foldBatchNorm(), S.placement(), S.biasInt32(), S.preset(), S.overrides()};
        v = change.apply(v);
        @SuppressWarnings("unchecked")
        Map<String, QuantizerOverride> o = (Map<String, QuantizerOverride>) v[14];
        return new QuantSettings((int) v[0], (int) v[1], (Granularity) v[2], (boolean) v[3], (boolean) v[4],
                (boolean) v[5], (ScaleConstraint) v[6], (ScaleConvention) v[7], (String) v[8], (String) v[9],
                (boolean) v[10], (ActivationPlacement) v[11], (boolean) v[12], (String) v[13], o);
    }

    private static UnaryOperator<Object[]> set(int i, Object value) {
        return v -> {
            v[i] = value;
            return v;
        };
    }

    @Test
    void theSameExperimentHasNoDifference() {
        assertEquals(List.of(), ReliabilityExperiment.differences(base(), base()));
        // a label is a name, not a number: another name for the same configuration continues
        assertEquals(List.of(), differences(new Configuration("my run", S, F)));
    }

    @Test
    void everySchemeFieldIsADifference() {
        Map<String, QuantSettings> cases = new LinkedHashMap<>();
        cases.put("scheme.weightBits", scheme(set(0, 4)));
        cases.put("scheme.activationBits", scheme(set(1, 6)));
        cases.put("scheme.weightGranularity", scheme(set(2, Granularity.PER_CHANNEL)));
        cases.put("scheme.weightSymmetric", scheme(set(3, false)));
        cases.put("scheme.activationSymmetric", scheme(set(4, true)));
        cases.put("scheme.adaptiveActivationSign", scheme(set(5, true)));
        cases.put("scheme.scaleConvention", scheme(set(7, ScaleConvention.PYTORCH)));
        cases.put("scheme.weightRange", scheme(set(8, "mse")));
        cases.put("scheme.activationRange", scheme(set(9, "percentile")));
        cases.put("scheme.foldBatchNorm", scheme(set(10, false)));
        cases.put("scheme.placement", scheme(set(11, ActivationPlacement.LAYER_INPUTS)));
        cases.put("scheme.bias", scheme(set(12, true)));
        cases.put("scheme.preset", scheme(set(13, "snpe")));
        cases.put("overrides.conv1.weight", S.withOverride("conv1.weight", QuantizerOverride.bits(4)));
        cases.put("overrides.logits", S.withOverride("logits", QuantizerOverride.DISABLED));
        cases.put("overrides.x", S.withOverride("x", new QuantizerOverride(true, null, null, "mse")));
        QuantSettings pot = scheme(v -> {
            v[3] = true;
            v[4] = true;
            v[6] = ScaleConstraint.POWER_OF_TWO;
            return v;
        });
        cases.put("scheme.scaleType", pot);
        cases.forEach((field, s) -> {
            List<String> d = differences(new Configuration("W8A8", s, F));
            assertTrue(d.stream().anyMatch(x -> x.startsWith(field + " (")), field + " in " + d);
        });
        // one override changed in its bits only: named with both values
        List<String> d = ReliabilityExperiment.differences(
                key(new Configuration("a", S.withOverride("c", QuantizerOverride.bits(4)), F), T, "pool", 300),
                key(new Configuration("a", S.withOverride("c", QuantizerOverride.bits(6)), F), T, "pool", 300));
        assertEquals(List.of("overrides.c ({bits: 6} there, {bits: 4} now)"), d);
    }

    @Test
    void everyFixAndItsParametersAreADifference() {
        AdaRoundSettings ada = AdaRoundSettings.DEFAULT.withIterations(50);
        Map<String, PtqPipeline.Fixes> cases = new LinkedHashMap<>();
        cases.put("fixes.cle", new PtqPipeline.Fixes(true, false, null));
        cases.put("fixes.biasAbsorption", new PtqPipeline.Fixes(true, true, null));
        cases.put("fixes.biasCorrection", new PtqPipeline.Fixes(false, false, "empirical"));
        cases.put("fixes.adaround", new PtqPipeline.Fixes(false, false, null, ada));
        cases.forEach((field, f) -> {
            List<String> d = differences(new Configuration("W8A8", S, f));
            assertTrue(d.stream().anyMatch(x -> x.startsWith(field + " (")), field + " in " + d);
        });
        // CLE's ReLU6 handling and AdaRound's hyper-parameters are part of the experiment too
        Map<String, PtqPipeline.Fixes> pairs = new LinkedHashMap<>();
        pairs.put("fixes.relu6", new PtqPipeline.Fixes(true, false, null, null,
                CrossLayerEqualization.Relu6Handling.REPLACE_WITH_RELU));
        pairs.put("fixes.adaround (", new PtqPipeline.Fixes(false, false, null, ada.withSamples(64)));
        Map<String, PtqPipeline.Fixes> baseOf = Map.of("fixes.relu6", new PtqPipeline.Fixes(true, false, null),
                "fixes.adaround (", new PtqPipeline.Fixes(false, false, null, ada));
        pairs.forEach((field, f) -> {
            List<String> d = ReliabilityExperiment.differences(key(new Configuration("a", S, f), T, "pool", 300),
                    key(new Configuration("a", S, baseOf.get(field)), T, "pool", 300));
            assertEquals(1, d.size(), d.toString());
            assertTrue(d.get(0).startsWith(field), field + " in " + d);
        });
        List<String> lr = ReliabilityExperiment.differences(
                key(new Configuration("a", S, new PtqPipeline.Fixes(false, false, null, ada.withLearningRate(0.1))), T,
                        "pool", 300), key(new Configuration("a", S, new PtqPipeline.Fixes(false, false, null, ada)), T,
                        "pool", 300));
        assertTrue(lr.get(0).contains("learningRate: 0.01") && lr.get(0).contains("learningRate: 0.1"), lr.toString());
    }

    @Test
    void everyTrialSettingIsADifference() {
        Configuration c = new Configuration("W8A8", S, F);
        Map<String, Map<String, String>> cases = new LinkedHashMap<>();
        cases.put("firstSeed", key(c, new ReliabilitySettings(2, 7, CalibrationSampler.Strategy.RANDOM, 64,
                Perturbation.NONE, T.conditions(), 1), "pool", 300));
        cases.put("calibrationSampling", key(c, new ReliabilitySettings(2, 0, CalibrationSampler.Strategy.STRATIFIED,
                64, Perturbation.NONE, T.conditions(), 1), "pool", 300));
        cases.put("calibrationBatch", key(c, new ReliabilitySettings(2, 0, CalibrationSampler.Strategy.RANDOM, 16,
                Perturbation.NONE, T.conditions(), 1), "pool", 300));
        cases.put("conditions", key(c, new ReliabilitySettings(2, 0, CalibrationSampler.Strategy.RANDOM, 64,
                Perturbation.NONE, List.of(Condition.baseline(64)), 1), "pool", 300));
        cases.put("calibrationPool", key(c, T, "another pool", 300));
        cases.put("evaluationLimit", key(c, T, "pool", 1000));
        cases.forEach((field, k) -> {
            List<String> d = ReliabilityExperiment.differences(k, base());
            assertEquals(1, d.size(), d.toString());
            assertTrue(d.get(0).startsWith(field + " ("), field + " in " + d);
        });
        // trials and parallel runs do not change a trial's numbers: more trials is what --continue is for
        assertEquals(List.of(), ReliabilityExperiment.differences(key(c, T.withTrials(9).withParallel(2), "pool", 300),
                base()));
    }

    @Test
    void aResultWithoutTheCompleteConfigurationIsRefused() {
        Map<String, String> old = new LinkedHashMap<>(base());
        old.remove(ReliabilityExperiment.CONFIGURATION);
        List<String> d = ReliabilityExperiment.differences(base(), old);
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).contains("not recorded there"), d.toString());
    }

    @Test
    void severalConfigurationsAreComparedEachByItsOwn() {
        Configuration a = new Configuration("a", S, F);
        Configuration b = new Configuration("b", S.withWeightGranularity(Granularity.PER_CHANNEL), F);
        Configuration b2 = new Configuration("b", S.withWeightGranularity(Granularity.PER_CHANNEL),
                new PtqPipeline.Fixes(false, false, null, AdaRoundSettings.DEFAULT));
        List<String> d = ReliabilityExperiment.differences(
                ReliabilityExperiment.experimentKey(List.of(a, b2), T, "pool", 300),
                ReliabilityExperiment.experimentKey(List.of(a, b), T, "pool", 300));
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).startsWith("configuration2.fixes.adaround ("), d.toString());
    }
}
