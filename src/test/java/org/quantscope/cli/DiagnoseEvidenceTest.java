package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evidence before advice in {@code diagnose} on the demo MobileNet: a layer is flagged only when the model misses the
 * target drop, and the remedy suggested for it changes the part (weights, activations) that the whole-model
 * comparisons show to matter; float fallback only where it was measured to gain. Each case checks its premise (the
 * measured drops in the same JSON) before the advice.
 */
class DiagnoseEvidenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private JsonNode diagnose(String name, String... options) throws Exception {
        Path json = dir.resolve(name);
        List<String> a = new ArrayList<>(List.of("diagnose", "--demo", "--samples", "500", "-q", "--json",
                json.toString()));
        a.addAll(Arrays.asList(options));
        CliTest.Run r = CliTest.run(a.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(json.toFile());
    }

    private static double drop(JsonNode j, String part) {
        return j.get(part).get("drop").asDouble();
    }

    private static List<String> suggestions(JsonNode j) {
        List<String> s = new ArrayList<>();
        j.get("layers").forEach(l -> s.add(l.get("suggestion").asText()));
        return s;
    }

    private static boolean isActivationRemedy(String s) {
        return s.contains(" range for ") || s.contains(" ranges for ")
                || s.matches("\\d+ bits for .*") && !s.matches("\\d+ bits for \\S+\\.weight\\b.*");
    }

    private static boolean isWeightRemedy(String s) {
        return s.startsWith("per-channel") || s.matches("\\d+ bits for \\S+\\.weight\\b.*");
    }

    /**
     * What holds whatever the settings: nothing is flagged when the model meets the target; a flag's remedy changes
     * a part whose cost alone exceeds half the target (or neither part alone does); float fallback was measured to
     * gain.
     */
    private static void assertAdviceFollowsEvidence(JsonNode j, double target) {
        double half = target / 2;
        boolean neither = drop(j, "weightsOnly") <= half && drop(j, "activationsOnly") <= half;
        boolean weights = drop(j, "weightsOnly") > half || neither;
        boolean acts = drop(j, "activationsOnly") > half || neither;
        boolean met = drop(j, "quantized") <= target;
        for (JsonNode l : j.get("layers")) {
            String s = l.get("suggestion").asText();
            String what = l.get("name").asText() + ": " + s;
            if (met) {
                assertEquals("", l.get("flag").asText(), "the model meets the target: " + what);
            }
            if (l.get("flag").asText().isEmpty()) {
                assertEquals("", s, "a suggestion without a flag: " + what);
            }
            if (isWeightRemedy(s)) {
                assertTrue(weights, "a weight remedy though the weights alone cost " + drop(j, "weightsOnly") + ": "
                        + what);
            }
            if (isActivationRemedy(s)) {
                assertTrue(acts, "an activation remedy though the activations alone cost "
                        + drop(j, "activationsOnly") + ": " + what);
            }
            if (s.startsWith("keep ")) {
                assertTrue(l.get("floatGain").asDouble() > 0, "float fallback without a measured gain: " + what);
            }
        }
    }

    @Test
    void perTensorW4WeightsGetPerChannelFirstNotMoreBits() throws Exception {
        JsonNode j = diagnose("w4.json", "--w-bits", "4", "--no-sensitivity");
        assertTrue(drop(j, "weightsOnly") > 0.5, "premise: the weights are the problem at W4 per-tensor");
        assertTrue(drop(j, "activationsOnly") <= 0.5, "premise: the activations are not");
        assertAdviceFollowsEvidence(j, 1.0);
        List<String> s = suggestions(j);
        assertTrue(s.stream().anyMatch(x -> x.startsWith("per-channel")), "per-channel is suggested: " + s);
        assertTrue(s.stream().noneMatch(DiagnoseEvidenceTest::isActivationRemedy), s.toString());
        // per-channel weights come before more bits (white paper Fig. 9), and W4 per-channel meets the 1-point
        // target on the demo: more bits for a weight is advice the evidence does not ask for
        assertTrue(s.stream().noneMatch(x -> x.matches("\\d+ bits for .*")),
                "no bit-width remedy while per-channel weights are untried: " + s);
    }

    @Test
    void perTensorW8A8WhereActivationsCostNothingGetsNoRangeRemedy() throws Exception {
        JsonNode j = diagnose("w8.json");
        assertTrue(drop(j, "activationsOnly") <= 0.5, "premise: the activations alone cost (almost) nothing");
        assertTrue(drop(j, "weightsOnly") > 0.5, "premise: the weights are the problem");
        assertAdviceFollowsEvidence(j, 1.0);
        List<String> s = suggestions(j);
        assertTrue(s.stream().noneMatch(DiagnoseEvidenceTest::isActivationRemedy), "no activation remedy: " + s);
        assertTrue(s.stream().noneMatch(x -> x.startsWith("mse range") || x.contains("range for")), s.toString());
        assertTrue(s.stream().anyMatch(x -> x.startsWith("per-channel")), s.toString());
    }

    @Test
    void aModelThatMeetsTheTargetHasNoFlaggedLayer() throws Exception {
        JsonNode j = diagnose("pc.json", "--w-granularity", "per-channel");
        assertTrue(drop(j, "quantized") <= 1.0, "premise: per-channel W8A8 meets the 1-point target");
        assertEquals(10, j.get("layers").size());
        for (JsonNode l : j.get("layers")) {
            assertEquals("", l.get("flag").asText(), l.toString());
            assertEquals("", l.get("suggestion").asText(), l.toString());
        }
        assertAdviceFollowsEvidence(j, 1.0);
    }

    @Test
    void theFlagsFollowTheTarget() throws Exception {
        // W6 per-channel: within 1 point, but not lossless
        JsonNode loose = diagnose("w6.json", "--w-bits", "6", "--w-granularity", "per-channel", "--no-sensitivity");
        double d = drop(loose, "quantized");
        assertTrue(d <= 1.0, "premise: within the default target, drop " + d);
        assertAdviceFollowsEvidence(loose, 1.0);
        assertTrue(suggestions(loose).stream().allMatch(String::isEmpty), suggestions(loose).toString());
        JsonNode strict = diagnose("w6-0.json", "--w-bits", "6", "--w-granularity", "per-channel", "--no-sensitivity",
                "--target-drop", "0");
        assertEquals("0.0", strict.get("settings").get("targetDrop").asText());
        assertEquals(d, drop(strict, "quantized"), 0.0, "the target changes the advice, not the measurement");
        if (d > 0) {
            assertTrue(strict.get("layers").findValuesAsText("flag").stream().anyMatch(f -> !f.isEmpty()),
                    "a lossy model misses a zero target: some layer is flagged");
        }
        assertAdviceFollowsEvidence(strict, 0.0);
        assertFalse(strict.get("layers").findValuesAsText("suggestion").stream().anyMatch(x -> x.startsWith(
                "per-channel")), "the weights are already per-channel");
    }
}
