package org.quantscope.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.ScaleConstraint;
import org.quantscope.core.quant.ScaleConvention;
import org.quantscope.core.sim.ActivationPlacement;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizerOverride;
import org.quantscope.core.transform.AdaRoundSettings;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.transform.PtqPipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration's JSON form: writing and reading gives an equal configuration for every field set away from its
 * default; a hand-written subset gets the defaults; unknown or mistyped fields are refused by name; differences are
 * named field by field.
 */
class QuantConfigJsonTest {

    @TempDir
    Path dir;

    /** Every field away from its default. */
    static QuantConfig everythingSet() {
        QuantSettings s = new QuantSettings(4, 6, Granularity.PER_CHANNEL, false, true, true,
                ScaleConstraint.FREE, ScaleConvention.PYTORCH, "mse", "percentile", false,
                ActivationPlacement.TENSORRT, true, "mqbench-x", Map.of(
                "conv1.weight", new QuantizerOverride(true, 8, Granularity.PER_TENSOR, "minmax"),
                "logits", QuantizerOverride.DISABLED,
                "fc.weight", QuantizerOverride.bits(3)));
        AdaRoundSettings ada = new AdaRoundSettings(123, 77, 64, 640, 0.02, 18, 3, 0.1, 5e-3, 9);
        return new QuantConfig(s, new CalibrationSettings(99, 17, CalibrationSampler.Strategy.STRATIFIED, 11),
                "NPY pool.npy (100 samples)", new PtqPipeline.Fixes(false, false, null, ada,
                CrossLayerEqualization.Relu6Handling.SKIP));
    }

    static List<QuantConfig> configurations() {
        QuantSettings pot = new QuantSettings(8, 8, Granularity.PER_TENSOR, true, true, false,
                ScaleConstraint.POWER_OF_TWO, ScaleConvention.ONNX, "minmax", "kl", true, ActivationPlacement.NETWORK,
                false, "tvm", Map.of());
        return List.of(QuantConfig.DEFAULT, everythingSet(),
                QuantConfig.of(pot, new PtqPipeline.Fixes(true, true, "empirical", null,
                        CrossLayerEqualization.Relu6Handling.REPLACE_WITH_RELU)),
                QuantConfig.DEFAULT.withFixes(new PtqPipeline.Fixes(false, false, "analytic")),
                QuantConfig.DEFAULT.withScheme(QuantSettings.DEFAULT.withBits(2, 16)
                        .withOverride("x", new QuantizerOverride(true, null, null, "ce"))));
    }

    @Test
    void writingThenReadingGivesAnEqualConfiguration() {
        int i = 0;
        for (QuantConfig c : configurations()) {
            Path f = dir.resolve("c" + i++ + ".json");
            QuantConfigJson.write(c, f);
            QuantConfig back = QuantConfigJson.read(f);
            assertEquals(c, back, f.toString());
            assertEquals(List.of(), back.differences(c));
            assertEquals(QuantConfigJson.compact(c), QuantConfigJson.compact(back));
            assertEquals(c, QuantConfigJson.parse(QuantConfigJson.compact(c)));
        }
    }

    @Test
    void everyFieldReachesTheFile() throws Exception {
        String text = Files.readString(write(everythingSet()));
        for (String field : new String[] {"\"weightBits\" : 4", "\"activationBits\" : 6", "\"per-channel\"",
                "\"weightSymmetric\" : false", "\"activationSymmetric\" : true", "\"adaptiveActivationSign\" : true",
                "\"pytorch\"", "\"tensorrt\"", "\"foldBatchNorm\" : false", "\"int32\"", "\"mse\"", "\"percentile\"",
                "\"mqbench-x\"", "\"enabled\" : false", "\"bits\" : 3", "\"stratified\"", "\"batch\" : 11",
                "\"seed\" : 17", "\"iterations\" : 123", "\"samples\" : 77", "\"learningRate\" : 0.005",
                "\"relu6\" : \"skip\"", "NPY pool.npy"}) {
            assertTrue(text.contains(field), field + " in\n" + text);
        }
    }

    @Test
    void aHandWrittenSubsetGetsTheDefaults() throws Exception {
        Path f = dir.resolve("short.json");
        Files.writeString(f, "{\"scheme\": {\"weightBits\": 4, \"weightGranularity\": \"per-channel\"},"
                + " \"fixes\": {\"cle\": true, \"biasAbsorption\": true}}");
        QuantConfig c = QuantConfigJson.read(f);
        assertEquals(4, c.scheme().weightBits());
        assertEquals(8, c.scheme().activationBits());
        assertEquals(Granularity.PER_CHANNEL, c.scheme().weightGranularity());
        assertEquals(CalibrationSettings.DEFAULT, c.calibration());
        assertTrue(c.fixes().cle() && c.fixes().biasAbsorption());
        assertEquals("W4A8 per-channel minmax +CLE +absorption", c.label());
    }

    @Test
    void aResultFileGivesItsConfiguration() throws Exception {
        QuantConfig c = everythingSet();
        Path f = dir.resolve("result.json");
        Files.writeString(f, "{\"accuracy\": 0.5, \"provenance\": {\"configuration\": "
                + QuantConfigJson.compact(c) + "}}");
        assertEquals(c, QuantConfigJson.read(f));
    }

    @Test
    void mistakesAreNamed() throws Exception {
        assertMessage("{\"scheme\": {\"weightBitz\": 4}}", "scheme.weightBitz", "weightBits");
        assertMessage("{\"scheme\": {\"weightBits\": \"four\"}}", "scheme.weightBits", "integer");
        assertMessage("{\"scheme\": {\"weightBits\": 40}}", "weight bits", "2 and 16");
        assertMessage("{\"scheme\": {\"placement\": \"everywhere\"}}", "scheme.placement", "layer-inputs");
        assertMessage("{\"overrides\": {\"conv\": {\"bitz\": 4}}}", "overrides.conv.bitz");
        assertMessage("{\"overrides\": {\"conv\": 4}}", "overrides.conv", "object");
        assertMessage("{\"fixes\": {\"biasCorrection\": \"magic\"}}", "empirical", "analytic");
        assertMessage("{\"fixes\": {\"biasAbsorption\": true}}", "cross-layer equalization");
        assertMessage("{\"fixes\": {\"adaround\": {\"iterations\": 0}}}", "AdaRound", "iteration");
        assertMessage("{\"calibration\": {\"size\": 0}}", "calibration size");
        assertMessage("{\"format\": \"something-else\"}", "format");
        assertMessage("{\"version\": 2}", "version 2");
        assertMessage("[1, 2]", "JSON object");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"scheme\": ");
        InputException e = assertThrows(InputException.class, () -> QuantConfigJson.read(bad));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("not valid JSON"), e.getMessage());
        InputException missing = assertThrows(InputException.class,
                () -> QuantConfigJson.read(dir.resolve("none.json")));
        assertTrue(missing.getMessage().contains("none.json") && missing.getMessage().contains("does not exist"));
    }

    @Test
    void differencesAreNamedFieldByField() {
        QuantConfig a = QuantConfig.DEFAULT;
        QuantConfig b = a.withFixes(new PtqPipeline.Fixes(false, false, null, AdaRoundSettings.DEFAULT))
                .withScheme(QuantSettings.DEFAULT.withOverride("conv1.weight", QuantizerOverride.bits(4)));
        List<String> d = b.differences(a);
        assertEquals(2, d.size(), d.toString());
        assertTrue(d.get(0).startsWith("overrides.conv1.weight (none there, {bits: 4} here)"), d.toString());
        assertTrue(d.get(1).startsWith("fixes.adaround (none there, {iterations: 10000"), d.toString());
    }

    private Path write(QuantConfig c) {
        Path f = dir.resolve("w.json");
        QuantConfigJson.write(c, f);
        return f;
    }

    private void assertMessage(String json, String... parts) throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, json);
        InputException e = assertThrows(InputException.class, () -> QuantConfigJson.read(f), json);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
        assertTrue(e.getMessage().contains("m.json"), e.getMessage());
    }
}
