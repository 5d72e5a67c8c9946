package org.quantscope.report;

import org.quantscope.core.InputException;
import org.quantscope.core.reliability.Condition;
import org.quantscope.core.reliability.ConditionSummary;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.reliability.TrialResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The trials of a reliability experiment as long-format CSV, one row per trial and class: {@code trial, seed, class,
 * fp32, quantized, drop}, then {@code condition} and {@code configuration} (the perturbation's level and the
 * configuration's label, constant without a perturbation or comparison). Accuracies are fractions in [0, 1] with six
 * decimals, the drop is in percentage points with four, as in the JSON; rows are sorted by configuration, condition,
 * trial and class, and numbers are formatted with {@link Locale#ROOT}, so the same trials give the same bytes.
 */
public final class ReliabilityCsv {

    /** The columns, in order. */
    public static final List<String> COLUMNS = List.of("trial", "seed", "class", "fp32", "quantized", "drop",
            "condition", "configuration");

    private ReliabilityCsv() {
    }

    /**
     * The CSV text.
     *
     * @param r the result
     * @return header and rows, each line ending in {@code \n}
     */
    public static String text(ReliabilityResult r) {
        StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        double[] fp32 = r.fp32PerClass();
        for (TrialResult t : r.trials()) {
            Condition c = r.conditions().get(t.condition());
            String config = r.configurations().get(t.configuration());
            for (int k = 0; k < r.classes(); k++) {
                double q = t.classAccuracy(k);
                b.append(t.trial()).append(',').append(t.seed()).append(',').append(quote(r.classNames().get(k)))
                        .append(',').append(fraction(fp32[k])).append(',').append(fraction(q)).append(',')
                        .append(points(ConditionSummary.dropPoints(fp32[k], q))).append(',')
                        .append(quote(c.label())).append(',').append(quote(config)).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * Writes the CSV.
     *
     * @param r    the result
     * @param file the file (parent folders are created)
     */
    public static void write(ReliabilityResult r, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".part");
            Files.writeString(tmp, text(r), StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new InputException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String fraction(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
    }

    private static String points(double v) {
        if (!Double.isFinite(v)) {
            return "";
        }
        String t = String.format(Locale.ROOT, "%.4f", v);
        return t.equals("-0.0000") ? "0.0000" : t;
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
