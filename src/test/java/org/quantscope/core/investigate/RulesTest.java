package org.quantscope.core.investigate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.quantscope.core.InputException;
import org.quantscope.core.analysis.Remedy;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.HardwarePreset;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizerOverride;
import org.quantscope.core.transform.AdaRound;
import org.quantscope.core.transform.PtqPipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The investigation's decision rules on constructed inputs (no model is run): the weights-versus-activations split,
 * whether each fix step applies (target met, branch, locks by the user and by the preset, already applied), which
 * candidate is kept, the smallest gain that counts, and where the AdaRound loss oscillates; the investigation and
 * step values (going back, replacing, choosing another remedy, skipping); the JSON round trip of every remedy type and
 * what each remedy does to a configuration.
 */
class RulesTest {

    private static final Rules.Branches BOTH = new Rules.Branches(true, true, "both");
    private static final Rules.Branches WEIGHTS = new Rules.Branches(true, false, "weights alone cost 9 points");
    private static final Rules.Branches ACTIVATIONS = new Rules.Branches(false, true, "activations alone cost 9");

    private static final List<StepId> FIXES = List.of(StepId.PER_CHANNEL, StepId.CLE, StepId.BIAS_CORRECTION,
            StepId.ADAROUND, StepId.ACTIVATION_RANGE, StepId.LAYER_REMEDIES, StepId.MIXED_PRECISION);

    private static InvestigationSetup setup(QuantConfig start, Lock... locks) {
        return setup(start, Targets.DEFAULT, locks);
    }

    private static InvestigationSetup setup(QuantConfig start, Targets t, Lock... locks) {
        EnumSet<Lock> l = EnumSet.noneOf(Lock.class);
        l.addAll(Arrays.asList(locks));
        return new InvestigationSetup("m.onnx", "0".repeat(64), "test data", "calibration pool", start, t, l,
                InvestigationSettings.DEFAULT);
    }

    private static QuantConfig preset(String name) {
        return QuantConfig.DEFAULT.withScheme(HardwarePreset.byName(name).apply(QuantSettings.DEFAULT));
    }

    private static Measurement m(double fp32, double acc, double... drops) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < drops.length; i++) {
            names.add("c" + i);
        }
        return new Measurement(fp32, acc, drops, names);
    }

    // ---- split ---------------------------------------------------------------------------------------------------

    @Test
    void splitTakesTheBranchWhosePartAloneCostsMoreThanHalfTheTarget() {
        Targets t = new Targets(2.0, Double.NaN); // half the target: 1 point
        Rules.Branches w = Rules.split(t, 5.0, 0.3);
        assertTrue(w.weights() && !w.activations(), w.toString());
        assertTrue(w.reason().contains("5.00") && w.reason().contains("0.30"), w.reason());
        Rules.Branches a = Rules.split(t, 0.3, 5.0);
        assertTrue(!a.weights() && a.activations(), a.toString());
        Rules.Branches both = Rules.split(t, 1.5, 1.2);
        assertTrue(both.weights() && both.activations(), both.toString());
        Rules.Branches neither = Rules.split(t, 0.4, 0.6);
        assertTrue(neither.weights() && neither.activations(), "neither alone: both are addressed");
        assertTrue(neither.reason().contains("neither"), neither.reason());
        // exactly half is not more than half
        Rules.Branches edge = Rules.split(t, 1.0, 3.0);
        assertTrue(!edge.weights() && edge.activations(), edge.toString());
        // the threshold follows the target
        assertTrue(Rules.split(new Targets(20, Double.NaN), 5.0, 11.0).activations());
        assertFalse(Rules.split(new Targets(20, Double.NaN), 5.0, 11.0).weights());
    }

    // ---- fixStep ---------------------------------------------------------------------------------------------------

    @Test
    void noFixIsTriedOnceTheTargetIsMet() {
        InvestigationSetup s = setup(QuantConfig.DEFAULT);
        for (StepId id : FIXES) {
            Rules.Applies a = Rules.fixStep(id, true, BOTH, s, QuantConfig.DEFAULT);
            assertFalse(a.applies(), id + " after the target is met");
            assertTrue(a.reason().contains("target is met") && a.reason().contains("1.00"), a.reason());
        }
    }

    @Test
    void everyFixAppliesToAnUnlockedPerTensorConfigurationThatMissesTheTarget() {
        InvestigationSetup s = setup(QuantConfig.DEFAULT);
        for (StepId id : FIXES) {
            Rules.Applies a = Rules.fixStep(id, false, BOTH, s, QuantConfig.DEFAULT);
            assertTrue(a.applies(), id + ": " + a.reason());
            assertFalse(a.reason().isEmpty(), id.id());
        }
    }

    @Test
    void onlyFixStepsHaveAFixRule() {
        InvestigationSetup s = setup(QuantConfig.DEFAULT);
        for (StepId id : StepId.values()) {
            assertEquals(FIXES.contains(id), id.isFix(), id.id());
            if (!id.isFix()) {
                assertThrows(IllegalArgumentException.class, () -> Rules.fixStep(id, false, BOTH, s,
                        QuantConfig.DEFAULT), id.id());
            }
        }
    }

    @Test
    void theWeightFixesNeedTheWeightBranchAndTheRangeFixTheActivationBranch() {
        InvestigationSetup s = setup(QuantConfig.DEFAULT);
        for (StepId id : List.of(StepId.PER_CHANNEL, StepId.CLE, StepId.BIAS_CORRECTION, StepId.ADAROUND)) {
            Rules.Applies no = Rules.fixStep(id, false, ACTIVATIONS, s, QuantConfig.DEFAULT);
            assertFalse(no.applies(), id.id());
            assertTrue(no.reason().contains("weights are not the problem")
                    && no.reason().contains(ACTIVATIONS.reason()), no.reason());
            assertTrue(Rules.fixStep(id, false, WEIGHTS, s, QuantConfig.DEFAULT).applies(), id.id());
        }
        Rules.Applies no = Rules.fixStep(StepId.ACTIVATION_RANGE, false, WEIGHTS, s, QuantConfig.DEFAULT);
        assertFalse(no.applies());
        assertTrue(no.reason().contains("activations are not the problem") && no.reason().contains(WEIGHTS.reason()),
                no.reason());
        assertTrue(Rules.fixStep(StepId.ACTIVATION_RANGE, false, ACTIVATIONS, s, QuantConfig.DEFAULT).applies());
        // the per-layer remedies and mixed precision address whatever is left, on either branch
        for (Rules.Branches b : List.of(WEIGHTS, ACTIVATIONS)) {
            assertTrue(Rules.fixStep(StepId.LAYER_REMEDIES, false, b, s, QuantConfig.DEFAULT).applies());
            assertTrue(Rules.fixStep(StepId.MIXED_PRECISION, false, b, s, QuantConfig.DEFAULT).applies());
        }
    }

    @Test
    void eachLockBlocksExactlyTheStepsThatWouldChangeWhatItLocks() {
        Map<Lock, Set<StepId>> blocks = new EnumMap<>(Lock.class);
        blocks.put(Lock.GRANULARITY, EnumSet.of(StepId.PER_CHANNEL));
        blocks.put(Lock.FIXES, EnumSet.of(StepId.CLE, StepId.BIAS_CORRECTION, StepId.ADAROUND));
        blocks.put(Lock.RANGE, EnumSet.of(StepId.ACTIVATION_RANGE));
        blocks.put(Lock.BITS, EnumSet.of(StepId.MIXED_PRECISION));
        blocks.put(Lock.FLOAT, EnumSet.noneOf(StepId.class));
        for (Lock l : Lock.values()) {
            InvestigationSetup s = setup(QuantConfig.DEFAULT, l);
            assertEquals(EnumSet.of(l), s.locks());
            for (StepId id : FIXES) {
                Rules.Applies a = Rules.fixStep(id, false, BOTH, s, QuantConfig.DEFAULT);
                boolean blocked = blocks.get(l).contains(id);
                assertEquals(!blocked, a.applies(), "--lock " + l.id() + " on " + id.id() + ": " + a.reason());
                if (blocked) {
                    assertTrue(a.reason().contains("--lock " + l.id()), a.reason());
                }
            }
        }
        // the per-layer remedies are skipped only when every one of them is locked
        InvestigationSetup three = setup(QuantConfig.DEFAULT, Lock.GRANULARITY, Lock.BITS, Lock.RANGE);
        assertTrue(Rules.fixStep(StepId.LAYER_REMEDIES, false, BOTH, three, QuantConfig.DEFAULT).applies());
        InvestigationSetup four = setup(QuantConfig.DEFAULT, Lock.GRANULARITY, Lock.BITS, Lock.RANGE, Lock.FLOAT);
        Rules.Applies a = Rules.fixStep(StepId.LAYER_REMEDIES, false, BOTH, four, QuantConfig.DEFAULT);
        assertFalse(a.applies());
        assertTrue(a.reason().contains("locked"), a.reason());
    }

    @Test
    void aPresetWithPerTensorWeightsLocksTheGranularity() {
        for (String name : List.of("snpe", "tvm")) {
            QuantConfig start = preset(name);
            assertEquals(Granularity.PER_TENSOR, start.scheme().weightGranularity());
            InvestigationSetup s = setup(start); // no lock given by the user
            assertTrue(s.locked(Lock.GRANULARITY), name);
            assertEquals(EnumSet.of(Lock.GRANULARITY), s.locks(), name);
            Rules.Applies pc = Rules.fixStep(StepId.PER_CHANNEL, false, BOTH, s, start);
            assertFalse(pc.applies(), name);
            assertTrue(pc.reason().contains(name) && pc.reason().contains("preset"), pc.reason());
            // the preset does not lock anything else
            assertTrue(Rules.fixStep(StepId.CLE, false, BOTH, s, start).applies(), name);
            assertTrue(Rules.fixStep(StepId.MIXED_PRECISION, false, BOTH, s, start).applies(), name);
        }
        for (String name : List.of("tensorrt", "fbgemm")) {
            assertTrue(setup(preset(name)).locks().isEmpty(), name + " has per-channel weights");
        }
        assertTrue(setup(QuantConfig.DEFAULT).locks().isEmpty(), "custom settings imply no lock");
        // a lock the user gives names the option, not a preset
        InvestigationSetup user = setup(QuantConfig.DEFAULT, Lock.GRANULARITY);
        assertTrue(user.lockReason(Lock.GRANULARITY).contains("--lock granularity"), user.lockReason(Lock.GRANULARITY));
        assertEquals(Lock.impliedBy(preset("snpe").scheme()), EnumSet.of(Lock.GRANULARITY));
    }

    @Test
    void aFixAlreadyInTheConfigurationIsNotTriedAgain() {
        InvestigationSetup s = setup(QuantConfig.DEFAULT);
        QuantConfig perChannel = QuantConfig.DEFAULT.withScheme(QuantSettings.DEFAULT
                .withWeightGranularity(Granularity.PER_CHANNEL));
        Rules.Applies pc = Rules.fixStep(StepId.PER_CHANNEL, false, BOTH, s, perChannel);
        assertFalse(pc.applies());
        assertTrue(pc.reason().contains("already per-channel"), pc.reason());
        // per-channel weights do not stop CLE (it can still help), and the reason says so
        Rules.Applies cleAfterPc = Rules.fixStep(StepId.CLE, false, BOTH, s, perChannel);
        assertTrue(cleAfterPc.applies());
        assertTrue(cleAfterPc.reason().contains("per-channel weights did not suffice"), cleAfterPc.reason());

        QuantConfig cle = QuantConfig.DEFAULT.withFixes(new PtqPipeline.Fixes(true, true, null));
        Rules.Applies again = Rules.fixStep(StepId.CLE, false, BOTH, s, cle);
        assertFalse(again.applies());
        assertTrue(again.reason().contains("already applied"), again.reason());

        QuantConfig bc = QuantConfig.DEFAULT.withFixes(new PtqPipeline.Fixes(false, false, "empirical"));
        Rules.Applies bcAgain = Rules.fixStep(StepId.BIAS_CORRECTION, false, BOTH, s, bc);
        assertFalse(bcAgain.applies());
        assertTrue(bcAgain.reason().contains("already applied"), bcAgain.reason());
        Rules.Applies adaAfterBc = Rules.fixStep(StepId.ADAROUND, false, BOTH, s, bc);
        assertTrue(adaAfterBc.applies(), "AdaRound replaces bias correction");
        assertTrue(adaAfterBc.reason().contains("replaces bias correction"), adaAfterBc.reason());

        QuantConfig ada = QuantConfig.DEFAULT.apply(new Remedy.LearnRounding(50, 64));
        Rules.Applies adaAgain = Rules.fixStep(StepId.ADAROUND, false, BOTH, s, ada);
        assertFalse(adaAgain.applies());
        assertTrue(adaAgain.reason().contains("already applied"), adaAgain.reason());
    }

    @Test
    void equalizationNeedsFoldedBatchNorm() {
        QuantConfig academic = preset("academic"); // keeps BatchNormalization
        assertFalse(academic.scheme().foldBatchNorm());
        Rules.Applies a = Rules.fixStep(StepId.CLE, false, BOTH, setup(academic), academic);
        assertFalse(a.applies());
        assertTrue(a.reason().contains("BatchNormalization"), a.reason());
    }

    // ---- choose, minGain -------------------------------------------------------------------------------------------

    private static Candidate cand(double gain) {
        return new Candidate(new Remedy.ActivationRanges("mse"), QuantConfig.DEFAULT, m(0.9, 0.9 - gain / 100, 0),
                gain);
    }

    @Test
    void theLargestGainIsKeptWhenItReachesTheMinimum() {
        assertEquals(1, Rules.choose(List.of(cand(0.5), cand(2.0), cand(1.0)), 0.1));
        assertEquals(2, Rules.choose(List.of(cand(-3), cand(0.05), cand(0.2)), 0.1));
        assertEquals(-1, Rules.choose(List.of(cand(0.09), cand(-1), cand(0.0)), 0.1), "nothing reaches 0.1");
        assertEquals(-1, Rules.choose(List.of(), 0.1));
        assertEquals(0, Rules.choose(List.of(cand(0.1)), 0.1), "exactly the minimum counts");
        assertEquals(0, Rules.choose(List.of(cand(0.7), cand(0.7)), 0.1), "a tie keeps the first measured");
        assertEquals(-1, Rules.choose(List.of(cand(0.7)), 0.8));
    }

    @Test
    void theMinimumGainIsFivePercentOfTheTargetAndAtLeastTwoSamples() {
        // 5 % of 1 point = 0.05; two samples of 10,000 = 0.02 points
        assertEquals(0.05, Rules.minGain(Targets.DEFAULT, 10_000), 1e-12);
        // two samples of 2,000 = 0.1 points, more than 5 % of the target
        assertEquals(0.1, Rules.minGain(Targets.DEFAULT, 2_000), 1e-12);
        assertEquals(0.2, Rules.minGain(new Targets(4, Double.NaN), 10_000), 1e-12);
        assertEquals(0.02, Rules.minGain(new Targets(0, 0), 10_000), 1e-12, "a zero target still needs 2 samples");
        assertEquals(2.0, Rules.minGain(Targets.DEFAULT, 100), 1e-12);
        assertTrue(Double.isFinite(Rules.minGain(Targets.DEFAULT, 0)));
    }

    @Test
    void targetsAreCheckedAndMetOnBothDrops() {
        assertThrows(InputException.class, () -> new Targets(-1, Double.NaN));
        assertThrows(InputException.class, () -> new Targets(Double.NaN, Double.NaN));
        assertThrows(InputException.class, () -> new Targets(1, -0.5));
        assertThrows(InputException.class, () -> new Targets(Double.POSITIVE_INFINITY, Double.NaN));
        Measurement x = m(0.90, 0.895, 0.2, 3.0, -1.0); // drop 0.5, worst class drop 3
        assertEquals(0.5, x.drop(), 1e-9);
        assertEquals(1, x.worstClass());
        assertTrue(Targets.DEFAULT.met(x));
        assertTrue(new Targets(1, 3).met(x));
        assertFalse(new Targets(1, 2.9).met(x));
        assertFalse(new Targets(0.4, Double.NaN).met(x));
    }

    // ---- oscillations ----------------------------------------------------------------------------------------------

    private static AdaRound.LayerResult layer(String name, double nearest, double ada, String kept) {
        return new AdaRound.LayerResult(name, name + ".weight", 10, nearest, ada, kept, 0, 100, 0.1, "");
    }

    @Test
    void aFallOfTheKeptLossAlongTheNetworkIsAnOscillation() {
        List<AdaRound.LayerResult> layers = List.of(
                layer("l0", 2.0, 1.0, "adaround"),           // 1.0
                layer("l1", 3.0, 3.5, "nearest"),            // 3.0: rises
                layer("l2", Double.NaN, Double.NaN, "skipped"),
                layer("l3", 5.0, 2.0, "adaround"),           // 2.0 < 3.0: falls
                layer("l4", 2.5, 2.6, "nearest"),            // 2.5: rises
                layer("l5", 0.1, 0.05, "skipped"),           // skipped, though its losses are small: ignored
                layer("l6", 4.0, 2.5, "adaround"),           // 2.5 = 2.5: not a fall
                layer("l7", 9.0, 2.0, "adaround"),           // the kept (learned) loss 2.0 < 2.5 falls, nearest 9 not
                layer("l8", 8.0, Double.NaN, "adaround"),    // no finite loss: ignored
                layer("l9", 2.2, 2.3, "nearest"));           // 2.2 > 2.0: rises (compared with l7, not l8)
        assertEquals(List.of(3, 7), Rules.oscillations(layers));
        assertEquals(1.0, Rules.loss(layers.get(0)));
        assertEquals(3.0, Rules.loss(layers.get(1)));
        assertEquals(List.of(), Rules.oscillations(List.of()));
        assertEquals(List.of(), Rules.oscillations(List.of(layer("a", 1, 0.5, "adaround"))));
        // a monotone rise has no oscillation; a skipped layer between two others does not break the comparison
        assertEquals(List.of(), Rules.oscillations(List.of(layer("a", 1, 0.5, "adaround"),
                layer("b", 0.1, 0.1, "skipped"), layer("c", 0.9, 0.8, "adaround"))));
        assertEquals(List.of(2), Rules.oscillations(List.of(layer("a", 1, 0.9, "adaround"),
                layer("b", 5, 5, "skipped"), layer("c", 0.9, 0.8, "adaround"))));
    }

    // ---- Investigation, Step ---------------------------------------------------------------------------------------

    private static Step step(StepId id, StepStatus st, Measurement after, QuantConfig c) {
        return new Step(id, st, "f " + id.id(), "d", "r", List.of(), List.of(), after, c, Map.of("k", 1), null);
    }

    @Test
    void anInvestigationGoesForwardBackAndReplacesItsLastStep() {
        InvestigationSetup s = setup(QuantConfig.DEFAULT);
        Investigation empty = Investigation.start(s);
        assertEquals(StepId.SANITY, empty.next());
        assertNull(empty.latest());
        assertNull(empty.baseline());
        assertFalse(empty.met());
        assertEquals(QuantConfig.DEFAULT, empty.configuration());

        Measurement base = m(0.9, 0.5, 40, 60);
        QuantConfig pc = QuantConfig.DEFAULT.apply(new Remedy.PerChannelWeights(null));
        Measurement fixed = m(0.9, 0.899, 0.1, 0.2);
        Investigation inv = empty.with(step(StepId.SANITY, StepStatus.PASSED, null, QuantConfig.DEFAULT))
                .with(step(StepId.BASELINE, StepStatus.FAILED, base, QuantConfig.DEFAULT))
                .with(step(StepId.SPLIT, StepStatus.PASSED, base, QuantConfig.DEFAULT));
        assertTrue(empty.steps().isEmpty(), "with() leaves the original unchanged");
        assertEquals(StepId.PER_CHANNEL, inv.next());
        assertEquals(base, inv.baseline());
        assertFalse(inv.met());
        Investigation after = inv.with(step(StepId.PER_CHANNEL, StepStatus.APPLIED, fixed, pc));
        assertEquals(pc, after.configuration());
        assertEquals(fixed, after.latest());
        assertTrue(after.met());
        assertEquals(StepId.CLE, after.next());

        // back to the split: it and everything after it are dropped, it is next again
        Investigation back = after.back(StepId.SPLIT);
        assertEquals(List.of(StepId.SANITY, StepId.BASELINE), back.steps().stream().map(Step::id).toList());
        assertEquals(StepId.SPLIT, back.next());
        assertEquals(QuantConfig.DEFAULT, back.configuration());
        assertEquals(4, after.steps().size(), "back() leaves the original unchanged");
        assertSame(after, after.back(StepId.VERDICT), "a step not taken: unchanged");
        assertTrue(after.back(StepId.SANITY).steps().isEmpty());

        // replacing the last step (another remedy, or skipped)
        Step skipped = after.steps().get(3).skip(QuantConfig.DEFAULT, base);
        Investigation replaced = after.replaceLast(skipped);
        assertEquals(4, replaced.steps().size());
        assertEquals(StepStatus.SKIPPED, replaced.steps().get(3).status());
        assertEquals(QuantConfig.DEFAULT, replaced.configuration());
        assertEquals(base, replaced.latest());
        assertEquals(StepStatus.APPLIED, after.steps().get(3).status(), "replaceLast() leaves the original unchanged");

        // the verdict ends it
        Investigation done = inv;
        for (StepId id = inv.next(); id != null; id = id.following()) {
            done = done.with(step(id, StepStatus.SKIPPED, base, QuantConfig.DEFAULT));
        }
        assertTrue(done.finished());
        assertNull(done.next());
        assertEquals(StepId.values().length, done.steps().size());
        assertEquals(Arrays.asList(StepId.values()), done.steps().stream().map(Step::id).toList());
    }

    @Test
    void stepIdsKeepTheirDocumentedOrderAndJsonForm() {
        assertEquals(List.of("sanity", "baseline", "split", "per-channel", "cle", "bias-correction", "adaround",
                "activation-range", "layer-remedies", "mixed-precision", "reliability", "verdict"),
                Arrays.stream(StepId.values()).map(StepId::id).toList());
        for (StepId id : StepId.values()) {
            assertEquals(id, StepId.of(id.id()));
        }
        assertThrows(IllegalArgumentException.class, () -> StepId.of("nonsense"));
        for (StepStatus st : StepStatus.values()) {
            assertEquals(st, StepStatus.of(st.id()));
        }
        assertThrows(InputException.class, () -> Lock.of("nonsense"));
        assertEquals(Lock.RANGE, Lock.of(" Range "));
    }

    @Test
    void choosingAnotherCandidateOrSkippingChangesOnlyTheStep() {
        QuantConfig before = QuantConfig.DEFAULT;
        Measurement was = m(0.9, 0.6, 30);
        Remedy mse = new Remedy.ActivationRanges("mse");
        Remedy pct = new Remedy.ActivationRanges("percentile");
        Candidate a = new Candidate(mse, before.apply(mse), m(0.9, 0.8, 10), 20);
        Candidate b = new Candidate(pct, before.apply(pct), m(0.9, 0.7, 20), 10);
        Step applied = new Step(StepId.ACTIVATION_RANGE, StepStatus.APPLIED, "finding", "Applied mse", "why",
                List.of(mse), List.of(a, b), a.measurement(), a.configuration(), Map.of("x", 2), "detail");

        Step other = applied.choose(1);
        assertEquals(StepStatus.APPLIED, other.status());
        assertEquals(List.of(pct), other.applied());
        assertEquals(b.measurement(), other.after());
        assertEquals(b.configuration(), other.configuration());
        assertEquals("percentile", other.configuration().scheme().activationRange());
        assertEquals(List.of(a, b), other.candidates(), "the candidates stay");
        assertEquals(applied.evidence(), other.evidence());
        assertEquals("finding", other.finding());
        assertTrue(other.decision().contains("chosen by the user"), other.decision());
        assertTrue(other.reason().contains("+10.00"), other.reason());
        assertThrows(IndexOutOfBoundsException.class, () -> applied.choose(2));

        Step skipped = applied.skip(before, was);
        assertEquals(StepStatus.SKIPPED, skipped.status());
        assertTrue(skipped.applied().isEmpty());
        assertEquals(before, skipped.configuration());
        assertEquals(was, skipped.after());
        assertEquals(List.of(a, b), skipped.candidates());
        assertTrue(skipped.reason().contains("user"), skipped.reason());
        assertEquals(StepStatus.APPLIED, applied.status(), "the original step is unchanged");
    }

    // ---- remedies ------------------------------------------------------------------------------------------------

    private static List<Remedy> everyRemedy() {
        Map<String, Integer> bits = new LinkedHashMap<>();
        bits.put("features.3.weight", 4);
        bits.put("/features/features.1/Relu_output_0", 16);
        return List.of(new Remedy.PerChannelWeights(null), new Remedy.PerChannelWeights("features.3.weight"),
                new Remedy.Equalize(true), new Remedy.Equalize(false), new Remedy.CorrectBias("empirical"),
                new Remedy.CorrectBias("analytic"), new Remedy.LearnRounding(50, 64),
                new Remedy.ActivationRanges("percentile"), new Remedy.QuantizerRange("input_q", "mse"),
                new Remedy.QuantizerBits("features.0.weight", 6),
                new Remedy.FloatFallback(List.of("features.0.weight", "output_q")), new Remedy.BitWidths(bits));
    }

    @Test
    void everyRemedyTypeRoundTripsThroughItsJsonForm() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Set<Class<?>> covered = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (Remedy r : everyRemedy()) {
            covered.add(r.getClass());
            ids.add(r.id());
            Map<String, Object> f = r.fields();
            assertEquals("type", f.keySet().iterator().next(), "type comes first");
            assertEquals(r.id(), f.get("type"));
            assertEquals(r, Remedy.fromFields(f), "direct: " + r);
            String text = json.writeValueAsString(f);
            Map<String, Object> back = json.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() { });
            assertEquals(r, Remedy.fromFields(back), "through JSON: " + text);
            assertEquals(text, json.writeValueAsString(Remedy.fromFields(back).fields()));
            assertFalse(r.describe().isEmpty());
        }
        assertEquals(Set.of(Remedy.class.getPermittedSubclasses()), covered, "every remedy type is covered");
        assertEquals(covered.size(), ids.size(), "each type has its own id");
        assertThrows(IllegalArgumentException.class, () -> Remedy.fromFields(Map.of("type", "nonsense")));
        assertThrows(IllegalArgumentException.class, () -> Remedy.fromFields(Map.of("mode", "empirical")));
        assertThrows(IllegalArgumentException.class, () -> Remedy.fromFields(Map.of("type", "bias-correction")));
        assertThrows(IllegalArgumentException.class, () -> Remedy.fromFields(Map.of("type", "adaround",
                "iterations", "many", "samples", 3)));
        assertThrows(IllegalArgumentException.class, () -> Remedy.fromFields(Map.of("type", "float-fallback",
                "quantizers", List.of())));
        assertThrows(IllegalArgumentException.class, () -> Remedy.fromFields(Map.of("type", "mixed-precision")));
    }

    @Test
    void applyingARemedyChangesTheConfigurationAsItSays() {
        QuantConfig c = QuantConfig.DEFAULT;
        QuantConfig pc = c.apply(new Remedy.PerChannelWeights(null));
        assertEquals(Granularity.PER_CHANNEL, pc.scheme().weightGranularity());
        assertEquals(Granularity.PER_TENSOR, c.scheme().weightGranularity(), "the original is unchanged");
        assertEquals(List.of("scheme.weightGranularity"), names(pc.differences(c)));

        QuantConfig one = c.apply(new Remedy.PerChannelWeights("features.3.weight"));
        assertEquals(Granularity.PER_TENSOR, one.scheme().weightGranularity());
        assertEquals(Granularity.PER_CHANNEL, one.scheme().overrides().get("features.3.weight").granularity());
        assertTrue(one.scheme().overrides().get("features.3.weight").enabled());

        QuantConfig cle = c.apply(new Remedy.Equalize(true));
        assertTrue(cle.fixes().cle() && cle.fixes().biasAbsorption());
        QuantConfig clePlain = c.apply(new Remedy.Equalize(false));
        assertTrue(clePlain.fixes().cle() && !clePlain.fixes().biasAbsorption());
        assertTrue(cle.apply(new Remedy.Equalize(false)).fixes().biasAbsorption(), "absorption is not undone");

        QuantConfig bc = cle.apply(new Remedy.CorrectBias("empirical"));
        assertEquals("empirical", bc.fixes().biasCorrection());
        assertTrue(bc.fixes().cle() && bc.fixes().biasAbsorption(), "earlier fixes stay");

        // AdaRound replaces bias correction and keeps CLE
        QuantConfig ada = bc.apply(new Remedy.LearnRounding(50, 64));
        assertNull(ada.fixes().biasCorrection());
        assertEquals(50, ada.fixes().adaround().iterations());
        assertEquals(64, ada.fixes().adaround().samples());
        assertTrue(ada.fixes().cle() && ada.fixes().biasAbsorption());
        assertThrows(InputException.class, () -> ada.apply(new Remedy.CorrectBias("empirical")),
                "bias correction does not go with AdaRound");

        QuantConfig ranges = c.apply(new Remedy.ActivationRanges("mse"));
        assertEquals("mse", ranges.scheme().activationRange());
        assertEquals(c.scheme().weightRange(), ranges.scheme().weightRange());

        QuantConfig qr = c.apply(new Remedy.QuantizerRange("act_q", "percentile"));
        assertEquals("percentile", qr.scheme().overrides().get("act_q").rangeMethod());
        assertEquals("minmax", qr.scheme().activationRange());

        QuantConfig qb = c.apply(new Remedy.QuantizerBits("features.0.weight", 6));
        assertEquals(Map.of("features.0.weight", 6), qb.bitOverrides());
        assertEquals(8, qb.scheme().weightBits());

        QuantConfig ff = qb.apply(new Remedy.FloatFallback(List.of("features.0.weight", "out_q")));
        assertEquals(List.of("features.0.weight", "out_q"), ff.disabledQuantizers());
        assertFalse(ff.scheme().overrides().get("out_q").enabled());
        assertEquals(QuantizerOverride.DISABLED, ff.scheme().overrides().get("out_q"));
        assertTrue(ff.bitOverrides().isEmpty(), "a quantizer in float has no bit width");

        QuantConfig mp = one.apply(new Remedy.BitWidths(Map.of("features.3.weight", 4, "a_q", 16)));
        assertEquals(Map.of("features.3.weight", 4, "a_q", 16), mp.bitOverrides());
        assertEquals(Granularity.PER_CHANNEL, mp.scheme().overrides().get("features.3.weight").granularity(),
                "the width joins the earlier override of the same quantizer");
        assertTrue(mp.disabledQuantizers().isEmpty());
        // the search's "float" width is float fallback, never a bit width (it was refused as "got 32" on MobileNetV2)
        QuantConfig mpFloat = one.apply(new Remedy.BitWidths(Map.of("a_q", Remedy.BitWidths.FLOAT,
                "features.3.weight", 4)));
        assertEquals(List.of("a_q"), mpFloat.disabledQuantizers());
        assertEquals(Map.of("features.3.weight", 4), mpFloat.bitOverrides());
        assertEquals("mixed precision: 1 quantizer at other widths, 1 in float",
                new Remedy.BitWidths(Map.of("a_q", Remedy.BitWidths.FLOAT, "features.3.weight", 4)).describe());

        // every remedy changes something, and applying it twice is the same as once
        for (Remedy r : everyRemedy()) {
            QuantConfig once = c.apply(r);
            assertNotEquals(c, once, r.describe());
            assertEquals(once, once.apply(r), r.describe());
        }
    }

    private static List<String> names(List<String> differences) {
        return differences.stream().map(d -> d.split(" ")[0]).toList();
    }
}
