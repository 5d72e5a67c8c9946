package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code quantize --mixed-precision} end to end on the demo: the JSON {@code mixedPrecision} object, the chosen
 * per-quantizer configuration in the encodings, the exported QDQ model in plain ONNX Runtime against the simulation,
 * the Pareto CSV, and every bad input with exit code 2 and a message.
 */
class MixedPrecisionCommandTest {

    @TempDir
    Path dir;

    @Test
    void chosenConfigurationExportsAndRunsLikeTheSimulation() throws Exception {
        Path json = dir.resolve("mp.json");
        Path onnx = dir.resolve("mp.onnx");
        Path enc = dir.resolve("enc.json");
        Path csv = dir.resolve("front.csv");
        CliTest.Run r = CliTest.run("quantize", "--demo", "--w-bits", "4", "--w-granularity", "per-channel",
                "--bias", "int32", "--limit", "2000", "--mixed-precision", "--target-bits", "5", "--mp-candidates",
                "w8,w16,a16,float", "--mp-samples", "400", "--json", json.toString(), "--export-onnx",
                onnx.toString(), "--export-encodings", enc.toString(), "--export-pareto", csv.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Pareto front") && r.out().contains("(uniform base)")
                && r.out().contains("Chosen (average weight bits <= 5.00)"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        JsonNode mp = j.get("mixedPrecision");
        assertEquals("bops", mp.get("cost").asText());
        assertEquals(5.0, mp.get("target").get("avgWeightBits").asDouble(), 0.0);
        assertEquals(List.of(8, 16), List.of(mp.get("candidates").get("weightBits").get(0).asInt(),
                mp.get("candidates").get("weightBits").get(1).asInt()));
        assertEquals(400, mp.get("search").get("samples").asInt());
        assertTrue(mp.get("search").get("data").asText().contains("without the 256 calibration samples"));
        assertEquals(22, mp.get("sensitivity").size());
        JsonNode chosen = mp.get("chosen");
        assertTrue(chosen.get("avgWeightBits").asDouble() <= 5.0, "the chosen point meets the target");
        JsonNode front = mp.get("front");
        for (int i = 1; i < front.size(); i++) {
            assertTrue(front.get(i).get("bops").asDouble() > front.get(i - 1).get("bops").asDouble());
            assertTrue(front.get(i).get("accuracy").asDouble() > front.get(i - 1).get("accuracy").asDouble());
        }
        JsonNode base = mp.get("points").get(0);
        for (JsonNode p : mp.get("points")) {
            assertTrue(p.get("avgWeightBits").asDouble() <= 5.0, "the walk stays within the budget");
            assertTrue(p.get("accuracy").asDouble() <= chosen.get("accuracy").asDouble(), "the most accurate");
        }
        assertEquals(4.0, base.get("avgWeightBits").asDouble(), 0.0);
        assertEquals(30720 * 8, mp.get("uniformW8SizeBits").asLong());
        // the configuration is what was quantized and exported
        JsonNode params = j.get("encodings").get("param_encodings");
        int changed = 0;
        for (JsonNode q : mp.get("configuration")) {
            int bits = q.get("bits").asInt();
            assertEquals(chosen.get("bits").get(q.get("quantizer").asText()).asInt(), bits);
            changed += q.get("changed").asBoolean() ? 1 : 0;
            if (q.get("kind").asText().equals("weight")) {
                JsonNode e = params.get(q.get("quantizer").asText());
                if (bits == 32) {
                    assertTrue(e == null, "a float weight has no encoding: " + q);
                } else {
                    assertEquals(bits, e.get(0).get("bitwidth").asInt(), q.toString());
                }
            }
        }
        assertEquals(changed, j.get("fixes").get(0).get("changedQuantizers").size());
        assertTrue(changed > 0, "the most accurate point within 5 bits raises something");
        assertEquals(j.get("encodings"), new ObjectMapper().readTree(enc.toFile()));
        assertEquals("mixedPrecision", j.get("fixes").get(0).get("name").asText());
        assertEquals(mp.get("before").get("accuracy").asDouble(), j.get("beforeFixes").get("accuracy").asDouble(),
                0.0);
        assertEquals(mp.get("after").get("accuracy").asDouble(), j.get("quantized").get("accuracy").asDouble(), 0.0);
        assertEquals(10, mp.get("after").get("perClassDrop").size());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("step,raised,raisedTo,accuracy,drop,sizeBits,avgWeightBits,bops,pareto,chosen", lines.get(0));
        assertEquals(mp.get("points").size() + 1, lines.size());
        assertEquals(1, lines.stream().filter(l -> l.endsWith(",true")).count(), "one chosen row");

        Path eval = dir.resolve("eval.json");
        CliTest.Run e = CliTest.run("eval", "--demo", "--limit", "2000", "--model", onnx.toString(), "--json",
                eval.toString(), "-q");
        assertEquals(0, e.code(), e.err());
        double deployed = new ObjectMapper().readTree(eval.toFile()).get("accuracy").asDouble();
        assertEquals(j.get("quantized").get("accuracy").asDouble(), deployed, 0.001,
                "QDQ model of the mixed configuration in plain ONNX Runtime vs simulation");
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        String[] base = {"quantize", "--demo", "--w-bits", "4", "-q"};
        CliTest.assertInputError(run(base, "--mixed-precision", "--target-drop", "1", "--target-bits", "6"),
                "not both");
        CliTest.assertInputError(run(base, "--mixed-precision"), "needs a target", "--target-drop", "--target-bits");
        CliTest.assertInputError(run(base, "--mixed-precision", "--target-drop", "-1"), "--target-drop", "0 or more");
        CliTest.assertInputError(run(base, "--mixed-precision", "--target-bits", "-3"), "--target-bits");
        CliTest.assertInputError(run(base, "--mixed-precision", "--target-drop", "1", "--mp-candidates", "w8,q16"),
                "unknown mixed-precision candidate 'q16'");
        CliTest.assertInputError(run(base, "--mixed-precision", "--target-drop", "1", "--mp-candidates", "w32"),
                "between 2 and 16");
        CliTest.assertInputError(run(base, "--target-drop", "1"), "--target-drop", "--mixed-precision");
        CliTest.assertInputError(run(base, "--mixed-precision", "--target-drop", "1", "--mp-cost", "energy"),
                "--mp-cost");
        CliTest.assertInputError(run(base, "--mixed-precision", "--target-drop", "1", "--bias-correction",
                "empirical"), "--bias-correction");
        CliTest.assertInputError(run(base, "--mixed-precision", "--target-drop", "1", "--adaround"),
                "cannot follow --adaround");
        CliTest.assertInputError(run(base, "--mixed-precision", "--target-bits", "3", "--limit", "200",
                "--mp-samples", "100", "--mp-candidates", "w8", "--mp-cost", "size"), "--target-bits 3.00",
                "4.00 average weight bits");
        // per-tensor W4 collapses on the demo (two depthwise channels); 5 bits everywhere cannot reach FP32
        CliTest.assertInputError(run(base, "--mixed-precision", "--target-drop", "0", "--limit", "200",
                "--mp-samples", "200", "--mp-candidates", "w5", "--mp-cost", "size"), "--target-drop 0.00 was not "
                + "reached", "the best configuration measured loses");
    }

    private static CliTest.Run run(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return CliTest.run(all);
    }
}
