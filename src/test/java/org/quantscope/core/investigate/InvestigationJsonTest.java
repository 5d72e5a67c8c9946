package org.quantscope.core.investigate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;
import org.quantscope.core.analysis.Remedy;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.HardwarePreset;
import org.quantscope.core.sim.QuantSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The saved investigation (docs: {@code investigate --json} and {@code --session}) on a constructed investigation:
 * written and read back it is the same value (setup, steps, candidates, measurements with a class without samples,
 * evidence), written again it is the same text, the write leaves no temporary file, and a missing, truncated,
 * foreign, newer or inconsistent file is refused with a message that names the file and the problem. The same on a
 * real {@code --session} file is in {@code InvestigateCommandTest}.
 */
class InvestigationJsonTest {

    @TempDir
    Path dir;

    private static final List<String> CLASSES = List.of("cat", "dog", "bird");

    private static Measurement m(double acc, double... drops) {
        return new Measurement(0.9, acc, drops, CLASSES);
    }

    /** An investigation of every kind of step: passed, failed, applied with candidates, skipped, and the verdict. */
    static Investigation sample() {
        QuantConfig start = QuantConfig.DEFAULT
                .withScheme(HardwarePreset.SNPE.apply(QuantSettings.DEFAULT.withBits(4, 8)))
                .withCalibration(new CalibrationSettings(128, 3, CalibrationSampler.Strategy.RANDOM, 32), "pool.npy");
        InvestigationSetup setup = new InvestigationSetup("model.onnx", "ab".repeat(32), "test.npy", "pool.npy", start,
                new Targets(1.5, 4.0), EnumSet.of(Lock.BITS), InvestigationSettings.DEFAULT.withTrials(3)
                .withAdaRound(50, 64));
        Measurement base = m(0.4, 45, 60, Double.NaN); // bird has no test sample
        Remedy cle = new Remedy.Equalize(true);
        QuantConfig afterCle = start.apply(cle);
        Measurement cleM = m(0.85, 4, 6, Double.NaN);
        Remedy ada = new Remedy.LearnRounding(50, 64);
        QuantConfig afterAda = afterCle.apply(ada);
        Measurement adaM = m(0.893, 0.5, 1.0, Double.NaN);
        Remedy bc = new Remedy.CorrectBias("empirical");
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("weightsOnlyDrop", 44.5);
        split.put("activationsOnlyDrop", 0.25);
        split.put("weightsBranch", true);
        split.put("activationsBranch", false);
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("layer", "conv1");
        layer.put("nearestLoss", 2.5);
        layer.put("adaroundLoss", null);
        layer.put("kept", "skipped");
        layer.put("oscillation", false);
        Map<String, Object> recon = new LinkedHashMap<>();
        recon.put("layers", List.of(layer));
        recon.put("oscillations", 0);
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("verdict", "met");
        verdict.put("averageWeightBits", 4.0);
        verdict.put("averageActivationBits", 8.0);
        verdict.put("recommendation", "Deploy it.");
        List<Step> steps = List.of(
                new Step(StepId.SANITY, StepStatus.PASSED, "agrees", "Go on.", "reproduces FP32", List.of(),
                        List.of(), null, start, Map.of("samples", 1000), null),
                new Step(StepId.BASELINE, StepStatus.FAILED, "40 %", "Find where.", "not met", List.of(), List.of(),
                        base, start, Map.of("accuracy", 0.4), null),
                new Step(StepId.SPLIT, StepStatus.PASSED, "weights", "Fix the weights.", "the weights cause it",
                        List.of(), List.of(), base, start, split, null),
                new Step(StepId.PER_CHANNEL, StepStatus.SKIPPED, "", "Skipped.", "the snpe preset fixes it",
                        List.of(), List.of(), base, start, Map.of(), null),
                new Step(StepId.CLE, StepStatus.APPLIED, "measured", "Applied.", "+45", List.of(cle),
                        List.of(new Candidate(cle, afterCle, cleM, 45.0)), cleM, afterCle, Map.of(), null),
                new Step(StepId.BIAS_CORRECTION, StepStatus.FAILED, "measured", "Not applied.", "-0.2", List.of(),
                        List.of(new Candidate(bc, afterCle.apply(bc), m(0.848, 4.2, 6, Double.NaN), -0.2)), cleM,
                        afterCle, Map.of(), null),
                new Step(StepId.ADAROUND, StepStatus.APPLIED, "measured", "Applied.", "+4.3", List.of(ada),
                        List.of(new Candidate(ada, afterAda, adaM, 4.3)), adaM, afterAda,
                        Map.of("reconstruction", recon), null),
                new Step(StepId.VERDICT, StepStatus.PASSED, "final", "Deploy it.", "met", List.of(), List.of(), adaM,
                        afterAda, verdict, null));
        return new Investigation(setup, steps);
    }

    @Test
    void aSavedInvestigationReadsBackAsTheSameValueAndWritesTheSameText() throws Exception {
        Investigation inv = sample();
        Map<String, Object> prov = Map.of("version", "test");
        Path a = dir.resolve("sub/dir/a.json"); // the parents are created
        InvestigationJson.write(inv, prov, a);
        Investigation back = InvestigationJson.read(a);
        assertEquals(inv.setup(), back.setup());
        assertEquals(inv.steps().size(), back.steps().size());
        for (int i = 0; i < inv.steps().size(); i++) {
            assertEquals(inv.steps().get(i), back.steps().get(i), inv.steps().get(i).id().id());
        }
        assertEquals(inv, back);
        assertEquals(inv.configuration(), back.configuration());
        assertTrue(Double.isNaN(back.latest().classDrops()[2]), "a class without samples stays NaN");
        Path b = dir.resolve("b.json");
        InvestigationJson.write(back, prov, b);
        assertEquals(Files.readString(a), Files.readString(b));
        // overwriting keeps one file and no temporary beside it
        InvestigationJson.write(back, prov, a);
        try (Stream<Path> files = Files.list(a.getParent())) {
            assertEquals(List.of(a.getFileName().toString()), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void theDocumentHasTheDocumentedFields() throws Exception {
        Path f = dir.resolve("inv.json");
        InvestigationJson.write(sample(), Map.of("version", "test"), f);
        JsonNode j = new ObjectMapper().readTree(f.toFile());
        assertEquals(InvestigationJson.FORMAT, j.get("format").asText());
        assertEquals(1, j.get("version").asInt());
        assertEquals(1.5, j.get("targets").get("drop").asDouble());
        assertEquals(4.0, j.get("targets").get("worstClassDrop").asDouble());
        assertEquals(List.of("granularity", "bits"), Stream.of(j.get("locks").get(0), j.get("locks").get(1))
                .map(JsonNode::asText).toList(), "the preset's lock and the user's");
        JsonNode fin = j.get("final");
        assertEquals(0.893, fin.get("accuracy").asDouble());
        assertEquals((0.9 - 0.893) * 100, fin.get("drop").asDouble(), 1e-9);
        assertEquals("dog", fin.get("worstClass").asText());
        assertEquals(1.0, fin.get("worstClassDrop").asDouble());
        assertEquals(4.0, fin.get("averageWeightBits").asDouble());
        assertEquals(8.0, fin.get("averageActivationBits").asDouble());
        assertEquals(4, fin.get("settings").get("scheme")
                .get("weightBits").asInt());
        assertTrue(fin.get("settings").get("fixes").get("cle").asBoolean());
        assertEquals("met", j.get("verdict").asText());
        assertEquals("Deploy it.", j.get("recommendation").asText());
        assertEquals("test", j.get("provenance").get("version").asText());
        JsonNode sanity = j.get("steps").get(0);
        assertTrue(sanity.get("accuracy").isNull() && sanity.get("measurement").isNull(), sanity.toString());
        JsonNode cle = j.get("steps").get(4);
        assertEquals("cle", cle.get("id").asText());
        assertEquals("applied", cle.get("status").asText());
        assertEquals("cle", cle.get("applied").get(0).get("type").asText());
        assertTrue(cle.get("measurement").get("classDrops").get(2).isNull(), "NaN is written as null");
        assertEquals(StepId.CLE.source(), cle.get("source").asText());
    }

    @Test
    void anUnfinishedInvestigationHasNoVerdictYet() throws Exception {
        Investigation inv = sample();
        Investigation partial = new Investigation(inv.setup(), inv.steps().subList(0, 3));
        Path f = dir.resolve("partial.json");
        InvestigationJson.write(partial, Map.of(), f);
        JsonNode j = new ObjectMapper().readTree(f.toFile());
        assertTrue(j.get("verdict").isNull());
        assertTrue(j.get("final").get("averageWeightBits").isNull());
        Investigation back = InvestigationJson.read(f);
        assertEquals(StepId.PER_CHANNEL, back.next());
        assertEquals(partial, back);
        Investigation none = Investigation.start(inv.setup());
        InvestigationJson.write(none, Map.of(), f);
        assertNull(new ObjectMapper().readTree(f.toFile()).get("final"));
        assertEquals(none, InvestigationJson.read(f));
    }

    private void assertRefused(Path f, String... fragments) {
        InputException e = assertThrows(InputException.class, () -> InvestigationJson.read(f));
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
        for (String x : fragments) {
            assertTrue(e.getMessage().contains(x), "says '" + x + "': " + e.getMessage());
        }
    }

    @Test
    void aMissingDamagedForeignOrNewerFileIsRefusedSayingWhy() throws Exception {
        Path good = dir.resolve("good.json");
        InvestigationJson.write(sample(), Map.of(), good);
        String text = Files.readString(good);

        assertRefused(dir.resolve("none.json"), "does not exist");

        Path truncated = Files.writeString(dir.resolve("truncated.json"), text.substring(0, text.length() / 2));
        assertRefused(truncated, "damaged");

        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        InputException e = assertThrows(InputException.class, () -> InvestigationJson.read(empty));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());

        ObjectMapper json = new ObjectMapper();
        ObjectNode newer = (ObjectNode) json.readTree(text);
        newer.put("version", 99);
        assertRefused(Files.writeString(dir.resolve("newer.json"), newer.toString()), "newer", "99");

        ObjectNode foreign = (ObjectNode) json.readTree(text);
        foreign.put("format", "quantscope-configuration");
        assertRefused(Files.writeString(dir.resolve("foreign.json"), foreign.toString()), "not a saved investigation",
                "format");

        assertRefused(Files.writeString(dir.resolve("array.json"), "[1, 2]"), "not a saved investigation");

        ObjectNode noVersion = (ObjectNode) json.readTree(text);
        noVersion.remove("version");
        assertRefused(Files.writeString(dir.resolve("noversion.json"), noVersion.toString()), "version");

        ObjectNode badStep = (ObjectNode) json.readTree(text);
        ((ObjectNode) badStep.get("steps").get(1)).put("id", "no-such-step");
        assertRefused(Files.writeString(dir.resolve("badstep.json"), badStep.toString()), "damaged", "no-such-step");

        ObjectNode badRemedy = (ObjectNode) json.readTree(text);
        ((ObjectNode) badRemedy.get("steps").get(4).get("applied").get(0)).put("type", "magic");
        assertRefused(Files.writeString(dir.resolve("badremedy.json"), badRemedy.toString()), "damaged", "magic");

        ObjectNode noSteps = (ObjectNode) json.readTree(text);
        noSteps.remove("steps");
        assertRefused(Files.writeString(dir.resolve("nosteps.json"), noSteps.toString()), "damaged", "steps");

        ObjectNode badLock = (ObjectNode) json.readTree(text);
        badLock.putArray("locks").add("everything");
        assertRefused(Files.writeString(dir.resolve("badlock.json"), badLock.toString()), "damaged", "everything");

        // the good file still reads
        assertEquals(sample(), InvestigationJson.read(good));
    }
}
