package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.demo.DemoAssets;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both demo models, evaluated end to end through the CLI on the full 10,000-image test set, agree with the accuracies
 * PyTorch computed when the assets were made ({@code fp32-reference.json}). Tolerance: 2 samples overall and 2 per
 * class (0.02 and 0.2 points), for float summation order; the reference records that no test image has a top-2 margin
 * below 1e-3, so in practice the match is exact.
 */
class DemoEvalTest {

    @TempDir
    Path dir;

    private static JsonNode reference(String model) throws Exception {
        return new ObjectMapper().readTree(DemoAssets.locate().fp32Reference().toFile()).get(model);
    }

    private void assertMatchesReference(String model, String... args) throws Exception {
        Path json = dir.resolve(model + ".json");
        String[] full = new String[args.length + 3];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--json";
        full[args.length + 1] = json.toString();
        full[args.length + 2] = "-q";
        CliTest.Run r = CliTest.run(full);
        assertEquals(0, r.code(), r.err());
        JsonNode got = new ObjectMapper().readTree(json.toFile());
        JsonNode ref = reference(model);
        assertEquals(10000, got.get("samples").asInt());
        assertEquals(ref.get("accuracy").asDouble(), got.get("accuracy").asDouble(), 2e-4);
        for (int c = 0; c < 10; c++) {
            assertEquals(ref.get("perClassAccuracy").get(c).asDouble(),
                    got.get("perClassAccuracy").get(c).asDouble(), 2e-3, "class " + c);
        }
        assertEquals("T-shirt/top", got.get("classes").get(0).asText());
    }

    @Test
    void demoMobileNetMatchesPyTorch() throws Exception {
        assertMatchesReference("mobilenet-fmnist.onnx", "eval", "--demo");
    }

    @Test
    void residualDemoModelMatchesPyTorch() throws Exception {
        DemoAssets a = DemoAssets.locate();
        assertMatchesReference("resnet-fmnist.onnx", "eval", "--model", a.residualModel().toString(), "--data",
                a.testImages().toString(), "--labels", a.testLabels().toString(), "--batch", "100");
    }

    @Test
    void demoInfoShowsDepthwiseLayersWithFoldableBatchNorm() {
        CliTest.Run r = CliTest.run("info", "--demo");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Depthwise conv"), r.out());
        assertTrue(r.out().contains("BN + ReLU6"), r.out());
    }

    @Test
    void limitEvaluatesAPrefix() throws Exception {
        Path json = dir.resolve("l.json");
        CliTest.Run r = CliTest.run("eval", "--demo", "--limit", "500", "--json", json.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertEquals(500, new ObjectMapper().readTree(json.toFile()).get("samples").asInt());
    }
}
