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
 * {@code diagnose} end to end on the demo MobileNet with per-tensor W8A8 weights: the JSON fields of issue 5, the CSV,
 * and the finding the demo model is built to show (the two BN-folded depthwise layers with dead channels are the
 * sensitive ones, and per-channel weights are the suggested fix). Bad input exits with code 2.
 */
class DiagnoseCommandTest {

    @TempDir
    Path dir;

    @Test
    void demoDiagnosisFindsTheDepthwiseLayers() throws Exception {
        Path json = dir.resolve("d.json");
        Path csv = dir.resolve("d.csv");
        CliTest.Run r = CliTest.run("diagnose", "--demo", "--samples", "500", "--json", json.toString(), "--csv",
                csv.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("FP32 sanity") && r.out().contains("weights only"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertTrue(j.get("sanity").get("passed").asBoolean(), j.get("sanity").toString());
        assertEquals(1.0, j.get("sanity").get("predictionAgreement").asDouble());
        double fp32 = j.get("fp32").get("accuracy").asDouble();
        double w = j.get("weightsOnly").get("accuracy").asDouble();
        double a = j.get("activationsOnly").get("accuracy").asDouble();
        assertTrue(fp32 - w > 0.3, "per-tensor weights cost most of the accuracy: " + w);
        assertTrue(fp32 - a < 0.02, "activations cost little: " + a);
        JsonNode layers = j.get("layers");
        assertEquals(10, layers.size());
        for (String field : List.of("name", "op", "weightRangeRatio", "rmse", "rmseOverScale", "sqnrDb", "cosine",
                "isolatedRmse", "sensitivityDrop", "floatGain", "flag")) {
            assertTrue(layers.get(0).has(field), "layers[] has " + field);
        }
        JsonNode worst = layers.get(0);
        for (JsonNode l : layers) {
            if (l.get("sensitivityDrop").asDouble() > worst.get("sensitivityDrop").asDouble()) {
                worst = l;
            }
        }
        assertTrue(List.of("/features/features.3/Conv", "/features/features.21/Conv")
                .contains(worst.get("name").asText()), worst.toString());
        assertTrue(worst.get("weightRangeRatio").asDouble() > 50);
        assertTrue(worst.get("flag").asText().contains("high error"));
        assertTrue(worst.get("suggestion").asText().startsWith("per-channel"));
        assertEquals(12, j.get("activations").size());
        assertTrue(j.get("activations").get(1).get("methodRanges").has("kl"));
        assertEquals(500, j.get("samples").asInt());
        assertEquals(64, j.get("provenance").get("modelSha256").asText().length());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(11, lines.size(), "header + one row per layer");
        assertTrue(lines.get(0).startsWith("name,op,outputTensor,weightRangeRatio,rmse,rmseOverScale,sqnrDb"));
    }

    @Test
    void diagnosisAfterEqualizationNoLongerSuggestsPerChannel() throws Exception {
        Path json = dir.resolve("cle.json");
        CliTest.Run r = CliTest.run("diagnose", "--demo", "--cle", "--samples", "200", "--no-sensitivity", "--json",
                json.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("post-training fixes"), r.out());
        for (JsonNode l : new ObjectMapper().readTree(json.toFile()).get("layers")) {
            assertTrue(l.get("weightRangeRatio").asDouble() < 5, "equalized: " + l);
            assertTrue(!l.get("suggestion").asText().startsWith("per-channel"), l.toString());
        }
    }

    @Test
    void badInputExitsWith2() {
        CliTest.assertInputError(CliTest.run("diagnose", "--demo", "--samples", "0", "-q"), "--samples");
        CliTest.assertInputError(CliTest.run("diagnose", "--demo", "--threshold", "-1", "-q"), "--threshold");
        CliTest.assertInputError(CliTest.run("diagnose", "--demo", "--w-bits", "20", "-q"), "between 2 and 16");
        CliTest.assertInputError(CliTest.run("diagnose", "--model", "no-such-model.onnx", "-q"), "no-such-model.onnx");
    }
}
