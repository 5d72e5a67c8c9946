package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.onnx.ManyClassModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console at 1,000 classes (a 50-layer model built in code): eval, quantize and reliability print the worst
 * classes, a summary of the others and the most frequent confusions instead of 1,000 rows and a 1000 x 1000 matrix;
 * the counts are settable, --all-classes prints everything, and the JSON keeps every class. Rows are checked against
 * the JSON, so the worst classes are the worst ones.
 */
class ManyClassesCliTest {

    @TempDir
    static Path dir;

    static ManyClassModel.Files4 files;

    @BeforeAll
    static void writeModel() throws Exception {
        files = ManyClassModel.write(dir, 3);
    }

    private static String[] eval(String... more) {
        List<String> a = new ArrayList<>(List.of("eval", "-q", "--model", files.model().toString(), "--data",
                files.data().toString(), "--labels", files.labels().toString(), "--class-names",
                files.synsets().toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void evalPrintsTheWorstClassesTheRestAndTheTopConfusions() throws Exception {
        Path json = dir.resolve("eval.json");
        CliTest.Run r = CliTest.run(eval("--json", json.toString()));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.size() < 70, "a screenful, not thousands of lines: " + lines.size());
        assertTrue(r.out().contains("1,000 classes; the 20 with the lowest accuracy"), r.out());
        JsonNode tree = new ObjectMapper().readTree(json.toFile());
        assertEquals(1000, tree.get("perClassAccuracy").size(), "the JSON keeps every class");
        assertEquals(1000, tree.get("confusion").size());
        double[] acc = new double[1000];
        for (int c = 0; c < 1000; c++) {
            acc[c] = tree.get("perClassAccuracy").get(c).asDouble();
        }
        // The printed rows: "<index> class <index>   samples  accuracy %", worst first.
        Pattern row = Pattern.compile("^(\\d+) class (\\d+)\\s+(\\d+)\\s+([\\d.]+) %$");
        List<Integer> printed = new ArrayList<>();
        for (String l : lines) {
            Matcher m = row.matcher(l);
            if (m.matches()) {
                assertEquals(m.group(1), m.group(2), "index and short synset name agree: " + l);
                printed.add(Integer.parseInt(m.group(1)));
                assertEquals(100 * acc[printed.get(printed.size() - 1)], Double.parseDouble(m.group(4)), 0.006, l);
            }
        }
        assertEquals(20, printed.size(), r.out());
        double worstShown = printed.stream().mapToDouble(c -> acc[c]).max().orElseThrow();
        long worseHidden = java.util.stream.IntStream.range(0, 1000).filter(c -> !printed.contains(c))
                .filter(c -> acc[c] < worstShown).count();
        assertEquals(0, worseHidden, "no class left out is worse than one shown");
        for (int i = 1; i < printed.size(); i++) {
            assertTrue(acc[printed.get(i - 1)] <= acc[printed.get(i)], "worst first");
        }
        double sum = 0;
        double min = 1;
        for (int c = 0; c < 1000; c++) {
            if (!printed.contains(c)) {
                sum += acc[c];
                min = Math.min(min, acc[c]);
            }
        }
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "980 other classes: mean accuracy %.2f %%, "
                + "min %.2f %%", 100 * sum / 980, 100 * min)), r.out());

        int[][] conf = new int[1000][1000];
        for (int i = 0; i < 1000; i++) {
            for (int j = 0; j < 1000; j++) {
                conf[i][j] = tree.get("confusion").get(i).get(j).asInt();
            }
        }
        List<long[]> top = ClassTables.topConfusions(conf, 20);
        assertEquals(20, top.size());
        int at = lines.indexOf(lines.stream().filter(l -> l.startsWith("Most frequent confusions (20 of "))
                .findFirst().orElseThrow(() -> new AssertionError(r.out())));
        for (int i = 0; i < 20; i++) {
            long[] c = top.get(i);
            String l = lines.get(at + 2 + i);
            assertTrue(l.matches("^" + c[0] + " class " + c[0] + "\\s+" + c[1] + " class " + c[1] + "\\s+" + c[2]
                    + "\\s+[\\d.]+%$"), "confusion " + i + " is " + c[0] + " -> " + c[1] + " x" + c[2] + ": " + l);
            assertTrue(i == 0 || top.get(i - 1)[2] >= c[2]);
        }
        assertFalse(r.out().contains("Confusion matrix"), "no 1000 x 1000 matrix");
    }

    @Test
    void countsAreSettableAndAllClassesPrintsEverything() {
        CliTest.Run few = CliTest.run(eval("--worst-classes", "5", "--top-confusions", "3"));
        assertEquals(0, few.code(), few.err());
        assertTrue(few.out().contains("the 5 with the lowest accuracy"), few.out());
        assertTrue(few.out().contains("995 other classes: mean accuracy"), few.out());
        assertTrue(few.out().contains("Most frequent confusions (3 of "), few.out());
        assertTrue(few.out().lines().count() < 30, few.out());

        CliTest.Run all = CliTest.run(eval("--all-classes"));
        assertEquals(0, all.code(), all.err());
        assertTrue(all.out().contains("Confusion matrix (rows: label, columns: prediction)"));
        long classRows = all.out().lines().filter(l -> l.matches("^class \\d+\\s+\\d+\\s+[\\d.]+ %$")).count();
        assertEquals(1000, classRows, "every class row");
        assertTrue(all.out().lines().count() > 2000, "and the 1000-row matrix");

        CliTest.assertInputError(CliTest.run(eval("--worst-classes", "0")), "--worst-classes must be at least 1");
        CliTest.assertInputError(CliTest.run(eval("--top-confusions", "-1")), "--top-confusions");
    }

    @Test
    void quantizeAndReliabilityUseTheSameFlags() throws Exception {
        Path json = dir.resolve("q.json");
        CliTest.Run q = CliTest.run("quantize", "-q", "--model", files.model().toString(), "--data",
                files.data().toString(), "--labels", files.labels().toString(), "--class-names",
                files.synsets().toString(), "--calib-data", files.data().toString(), "--calib-size", "64", "--w-bits", "4", "--worst-classes", "7",
                "--json", json.toString());
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("1,000 classes; the 7 with the largest drop"), q.out());
        assertTrue(q.out().contains("993 other classes: mean drop"), q.out());
        JsonNode tree = new ObjectMapper().readTree(json.toFile());
        assertEquals(1000, tree.get("perClassDrop").size());
        double[] drop = new double[1000];
        for (int c = 0; c < 1000; c++) {
            drop[c] = tree.get("perClassDrop").get(c).asDouble();
        }
        Pattern row = Pattern.compile("^(\\d+) class \\d+\\s+\\d+\\s+[\\d.]+ %\\s+[\\d.]+ %\\s+([-+][\\d.]+)$");
        List<Integer> shown = new ArrayList<>();
        for (String l : q.out().lines().toList()) {
            Matcher m = row.matcher(l);
            if (m.matches()) {
                shown.add(Integer.parseInt(m.group(1)));
                assertEquals(drop[shown.get(shown.size() - 1)], Double.parseDouble(m.group(2)), 0.006, l);
            }
        }
        assertEquals(7, shown.size(), q.out());
        double least = shown.stream().mapToDouble(c -> drop[c]).min().orElseThrow();
        for (int c = 0; c < 1000; c++) {
            assertTrue(shown.contains(c) || drop[c] <= least, "class " + c + " drops more than a shown one");
        }

        Path csv = dir.resolve("r.csv");
        CliTest.Run rel = CliTest.run("reliability", "-q", "--model", files.model().toString(), "--data",
                files.data().toString(), "--labels", files.labels().toString(), "--calib-data", files.data().toString(), "--calib-size", "32", "--trials",
                "2", "--w-bits", "4", "--worst-classes", "4", "--csv", csv.toString());
        assertEquals(0, rel.code(), rel.err());
        assertTrue(rel.out().contains("per table the 4 with the largest median drop"), rel.out());
        assertTrue(rel.out().contains("996 other classes: mean median drop"), rel.out());
        assertTrue(rel.out().lines().count() < 40, rel.out());
        long csvRows = Files.readAllLines(csv).size() - 1;
        assertEquals(2 * 1000, csvRows, "the CSV keeps every class of every trial");
    }
}
