package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reliability} end to end on the demo (1,000 test images, small calibration sets, two or three trials): the
 * CSV and JSON of the issue, perturbations, a comparison, continuing from the JSON, and bad input (exit 2, a message,
 * no stack trace).
 */
class ReliabilityCommandTest {

    private static final String[] SMALL = {"--demo", "--limit", "1000", "--calib-size", "32", "-q"};

    @TempDir
    Path dir;

    private static String[] args(String[] base, String... more) {
        String[] all = new String[base.length + more.length + 1];
        all[0] = "reliability";
        System.arraycopy(base, 0, all, 1, base.length);
        System.arraycopy(more, 0, all, 1 + base.length, more.length);
        return all;
    }

    @Test
    void csvAndJsonOfTheTrials() throws Exception {
        Path csv = dir.resolve("r.csv");
        Path json = dir.resolve("r.json");
        CliTest.Run r = CliTest.run(args(SMALL, "--trials", "2", "--w-granularity", "per-channel", "--csv",
                csv.toString(), "--json", json.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("median") && r.out().contains("worst class") && r.out().contains("over 2 seeds"),
                r.out());
        java.util.List<String> lines = Files.readAllLines(csv);
        assertEquals("trial,seed,class,fp32,quantized,drop,condition,configuration", lines.get(0));
        assertEquals(1 + 2 * 10, lines.size());
        assertTrue(lines.get(1).startsWith("0,0,T-shirt/top,"), lines.get(1));
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(10, j.get("fp32").get("perClassAccuracy").size());
        assertEquals(2, j.get("trials").size());
        JsonNode s = j.get("summaries").get(0);
        assertEquals(2, s.get("trials").asInt());
        JsonNode drop = s.get("perClass").get(0).get("drop");
        for (String f : new String[] {"min", "q1", "median", "q3", "max", "mean", "std", "lowerWhisker",
                "upperWhisker", "outliers"}) {
            assertTrue(drop.has(f), f + " in " + drop);
        }
        assertEquals(2, s.get("worstClassDrop").get("perTrial").size());
        assertTrue(s.get("reading").asText().startsWith("Class "), s.toString());
        assertTrue(j.get("complete").asBoolean());
        assertEquals(64, j.get("provenance").get("modelSha256").asText().length());
        // the CSV's drop is 100 (fp32 - quantized), the JSON's accuracies are those of the CSV
        String[] row = lines.get(1).split(",");
        assertEquals(100 * (Double.parseDouble(row[3]) - Double.parseDouble(row[4])), Double.parseDouble(row[5]),
                1e-3);
        assertEquals(j.get("trials").get(0).get("perClassAccuracy").get(0).asDouble(), Double.parseDouble(row[4]),
                1e-6);
    }

    @Test
    void continuingFromTheJsonEqualsOneLongerRun() throws Exception {
        Path json = dir.resolve("c.json");
        Path part = dir.resolve("part.csv");
        Path full = dir.resolve("full.csv");
        assertEquals(0, CliTest.run(args(SMALL, "--trials", "2", "--json", json.toString(), "--csv",
                part.toString())).code());
        CliTest.Run more = CliTest.run(args(SMALL, "--trials", "1", "--continue", json.toString(), "--json",
                json.toString(), "--csv", part.toString()));
        assertEquals(0, more.code(), more.err());
        assertEquals(0, CliTest.run(args(SMALL, "--trials", "3", "--csv", full.toString())).code());
        assertEquals(Files.readString(full), Files.readString(part));
        CliTest.assertInputError(CliTest.run(args(SMALL, "--trials", "1", "--continue", json.toString(),
                "--a-range", "mse")), "another experiment", "activationRange");
    }

    @Test
    void continuingWithAnotherFixOrOverrideIsRefusedNamingIt() throws Exception {
        // issue 15: trials with and without AdaRound were merged into one set of boxes
        Path json = dir.resolve("r1.json");
        String[] small = {"--demo", "--limit", "300", "--calib-size", "32", "-q"};
        assertEquals(0, CliTest.run(args(small, "--trials", "2", "--json", json.toString())).code());
        String before = Files.readString(json);
        CliTest.Run ada = CliTest.run(args(small, "--trials", "3", "--adaround", "--adaround-iters", "5",
                "--adaround-samples", "32", "--continue", json.toString(), "--json", json.toString()));
        CliTest.assertInputError(ada, "another experiment", "fixes.adaround (none there");
        CliTest.assertInputError(CliTest.run(args(small, "--trials", "3", "--override", "features.3.weight:bits=4",
                "--continue", json.toString())), "overrides.features.3.weight (none there, {bits: 4} now)");
        CliTest.assertInputError(CliTest.run(args(small, "--trials", "3", "--cle", "--continue", json.toString())),
                "fixes.cle (false there, true now)");
        assertEquals(before, Files.readString(json), "a refused run leaves the earlier result as it was");
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertTrue(j.get("provenance").get("settings").get("configuration").asText().contains("\"adaround\":null"),
                j.get("provenance").toString());
    }

    @Test
    void sizePerturbationAndComparison() throws Exception {
        Path json = dir.resolve("p.json");
        CliTest.Run r = CliTest.run(args(SMALL, "--trials", "1", "--perturb", "size", "--sizes", "8,32",
                "--compare-with", "--w-granularity per-channel", "--json", json.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("side by side"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("size", j.get("perturbation").asText());
        assertEquals(2, j.get("conditions").size());
        assertEquals(2, j.get("configurations").size());
        assertEquals(4, j.get("trials").size());
        assertTrue(j.get("configurations").get(1).asText().contains("per-channel"), j.toString());
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        CliTest.assertInputError(CliTest.run(args(SMALL, "--trials", "0")), "--trials", "at least 1");
        CliTest.assertInputError(CliTest.run(args(SMALL, "--trials", "1", "--sizes", "1,32")),
                "--sizes sets the levels of --perturb size");
        CliTest.assertInputError(CliTest.run(args(SMALL, "--trials", "1", "--perturb", "size", "--noise-share", "0.2")),
                "--noise-share sets the levels of --perturb noise");
        CliTest.assertInputError(CliTest.run("reliability", "--demo", "--calib-size", "6000", "-q"),
                "6000", "5000");
        CliTest.assertInputError(CliTest.run(args(SMALL, "--perturb", "colour")), "--perturb", "size, noise");
        CliTest.assertInputError(CliTest.run(args(SMALL, "--perturb", "metric", "--metrics", "minmax,median")),
                "median", "cosine");
        CliTest.assertInputError(CliTest.run(args(SMALL, "--perturb", "imbalance", "--imbalance-class", "Hat")),
                "Hat", "Shirt");
        CliTest.assertInputError(CliTest.run(args(SMALL, "--perturb", "noise", "--noise-share", "1.5")),
                "--noise-share");
        CliTest.assertInputError(CliTest.run(args(SMALL, "--perturb", "size", "--sizes", "8,9000")), "9000");
        CliTest.assertInputError(CliTest.run(args(SMALL, "--continue", "missing.json")), "missing.json");
        CliTest.assertInputError(CliTest.run(args(SMALL, "--compare-with", "--seed 4")), "--seed",
                "calibration option");
        CliTest.assertInputError(CliTest.run(args(SMALL, "--compare-with", "--w-bits 99")), "--w-bits");
    }
}
