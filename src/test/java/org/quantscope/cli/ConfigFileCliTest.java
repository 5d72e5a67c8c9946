package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --config} (issue 15): a result's {@code provenance.configuration} re-runs it exactly. For six configurations
 * (overrides and float fallback, every fix, a preset with another calibration draw, mixed precision), {@code quantize
 * --config result.json} gives the same accuracy, per-class accuracy and weight and activation encodings, bit for bit,
 * as the run that wrote it; flags beside {@code --config} override single fields.
 */
class ConfigFileCliTest {

    private static final String[] DATA = {"--demo", "--limit", "500", "-q"};

    @TempDir
    Path dir;

    private static String[] quantize(String[] more, String... extra) {
        List<String> a = new ArrayList<>(List.of("quantize"));
        a.addAll(Arrays.asList(DATA));
        a.addAll(Arrays.asList(more));
        a.addAll(Arrays.asList(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void aResultsConfigurationReproducesItBitForBit() throws Exception {
        String[][] runs = {
            {"--calib-size", "64"},
            {"--calib-size", "64", "--w-bits", "4", "--w-granularity", "per-channel", "--w-range", "mse", "--override",
                "features.3.weight:bits=8", "--disable", "features.0.weight"},
            {"--calib-size", "64", "--cle", "--bias-absorption", "--bias-correction", "empirical", "--a-range",
                "percentile"},
            {"--calib-size", "64", "--w-bits", "4", "--adaround", "--adaround-iters", "20", "--adaround-samples", "64"},
            {"--preset", "tensorrt", "--calib-size", "100", "--calib-sampling", "stratified", "--seed", "3",
                "--calib-batch", "16"},
            {"--calib-size", "64", "--w-bits", "4", "--mixed-precision", "--target-bits", "6", "--mp-candidates",
                "w8", "--mp-samples", "300"},
        };
        ObjectMapper json = new ObjectMapper();
        int i = 0;
        for (String[] run : runs) {
            Path a = dir.resolve("a" + i + ".json");
            Path ea = dir.resolve("ea" + i + ".json");
            Path b = dir.resolve("b" + i + ".json");
            Path eb = dir.resolve("eb" + i + ".json");
            CliTest.Run first = CliTest.run(quantize(run, "--json", a.toString(), "--export-encodings", ea.toString()));
            assertEquals(0, first.code(), first.err());
            CliTest.Run again = CliTest.run(quantize(new String[] {"--config", a.toString()}, "--json", b.toString(),
                    "--export-encodings", eb.toString()));
            assertEquals(0, again.code(), again.err());
            JsonNode ja = json.readTree(a.toFile());
            JsonNode jb = json.readTree(b.toFile());
            String what = String.join(" ", run);
            assertEquals(ja.get("provenance").get("configuration"), jb.get("provenance").get("configuration"), what);
            assertEquals(ja.get("quantized").get("accuracy").asDouble(), jb.get("quantized").get("accuracy").asDouble(),
                    0.0, what);
            assertEquals(ja.get("quantized").get("perClassAccuracy"), jb.get("quantized").get("perClassAccuracy"),
                    what);
            assertEquals(Files.readString(ea), Files.readString(eb), "encodings of " + what);
            i++;
        }
        // the mixed-precision widths travel as overrides of the configuration
        JsonNode mp = json.readTree(dir.resolve("a5.json").toFile()).get("provenance").get("configuration");
        assertTrue(mp.get("overrides").size() > 0, mp.toString());
        // the float fallback and the override of the second run are in its configuration
        JsonNode ov = json.readTree(dir.resolve("a1.json").toFile()).get("provenance").get("configuration")
                .get("overrides");
        assertEquals(false, ov.get("features.0.weight").get("enabled").asBoolean(), ov.toString());
        assertEquals(8, ov.get("features.3.weight").get("bits").asInt(), ov.toString());
    }

    @Test
    void flagsBesideTheFileOverrideItsFields() throws Exception {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, "{\"format\": \"quantscope-configuration\", \"version\": 1, \"scheme\": {\"weightBits\": 4,"
                + " \"weightGranularity\": \"per-channel\"}, \"calibration\": {\"size\": 64, \"seed\": 5},"
                + " \"fixes\": {\"cle\": true}}");
        Path out = dir.resolve("o.json");
        CliTest.Run r = CliTest.run(quantize(new String[] {"--config", cfg.toString(), "--a-bits", "6",
            "--bias-absorption", "--json", out.toString()}));
        assertEquals(0, r.code(), r.err());
        JsonNode c = new ObjectMapper().readTree(out.toFile()).get("provenance").get("configuration");
        assertEquals(4, c.get("scheme").get("weightBits").asInt());
        assertEquals(6, c.get("scheme").get("activationBits").asInt(), "the flag replaces the file's default");
        assertEquals("per-channel", c.get("scheme").get("weightGranularity").asText());
        assertEquals(64, c.get("calibration").get("size").asInt());
        assertEquals(5, c.get("calibration").get("seed").asInt());
        assertTrue(c.get("fixes").get("cle").asBoolean() && c.get("fixes").get("biasAbsorption").asBoolean(),
                c.toString());
    }

    @Test
    void aBadConfigurationIsRefusedNamingFileAndField() throws Exception {
        Path typo = dir.resolve("typo.json");
        Files.writeString(typo, "{\"scheme\": {\"wieghtBits\": 4}}");
        CliTest.assertInputError(CliTest.run(quantize(new String[] {"--config", typo.toString()})), "typo.json",
                "scheme.wieghtBits");
        CliTest.assertInputError(CliTest.run(quantize(new String[] {"--config", dir.resolve("none.json").toString()})),
                "none.json", "does not exist");
        Path noAda = dir.resolve("plain.json");
        Files.writeString(noAda, "{}");
        CliTest.assertInputError(CliTest.run(quantize(new String[] {"--config", noAda.toString(), "--adaround-iters",
            "5"})), "--adaround-iters", "plain.json");
        Path absorbOnly = dir.resolve("absorb.json");
        Files.writeString(absorbOnly, "{\"fixes\": {\"biasAbsorption\": true}}");
        CliTest.assertInputError(CliTest.run(quantize(new String[] {"--config", absorbOnly.toString()})),
                "absorb.json", "cross-layer equalization");
    }
}
