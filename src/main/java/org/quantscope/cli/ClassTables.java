package org.quantscope.cli;

import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.util.WorstSelection;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The per-class part of the console output: every class (and the confusion matrix) up to {@code --worst-classes}
 * classes, else the worst classes, a one-line summary of the others and the most frequent confusions.
 */
final class ClassTables {

    private ClassTables() {
    }

    /** Per-class accuracy and the confusion matrix (or the worst classes and top confusions) of an evaluation. */
    static void printAccuracy(PrintWriter out, EvaluationResult r, ClassTableOptions o) {
        int k = r.classNames().size();
        List<Integer> all = indices(k);
        boolean full = o.full(k);
        WorstSelection<Integer> s = WorstSelection.lowest(all, c -> r.classNames().get(c),
                c -> r.perClassAccuracy()[c], full ? 0 : o.worstClasses, null);
        List<Integer> rows = s.shown();
        int w = nameWidth(r.classNames(), rows, !full);
        if (!full) {
            out.printf(Locale.ROOT, "%,d classes; the %d with the lowest accuracy (--worst-classes N; --all-classes "
                    + "prints every class and the confusion matrix; the JSON has all)%n", k, rows.size());
        }
        out.printf("%-" + w + "s %8s %9s%n", "class", "samples", "accuracy");
        for (int c : rows) {
            double a = r.perClassAccuracy()[c];
            out.printf("%-" + w + "s %8d %9s%n", label(r.classNames(), c, !full), r.classCounts()[c],
                    Double.isNaN(a) ? "-" : String.format("%.2f %%", 100 * a));
        }
        if (!full) {
            WorstSelection.Rest rest = scaled(s.rest(), 100);
            out.println(rest.describe("classes", "accuracy", "%.2f %%", false).replace("without a value",
                    "without samples"));
            out.println();
            printConfusions(out, r, o.topConfusions);
            return;
        }
        out.println();
        out.println("Confusion matrix (rows: label, columns: prediction)");
        StringBuilder head = new StringBuilder(String.format("%-" + w + "s", ""));
        for (int c = 0; c < k; c++) {
            head.append(String.format(" %6d", c));
        }
        out.println(head);
        for (int i = 0; i < k; i++) {
            String name = r.classNames().get(i);
            String label = name.equals(String.valueOf(i)) ? name : i + " " + name;
            StringBuilder row = new StringBuilder(String.format("%-" + w + "s", label));
            for (int j = 0; j < k; j++) {
                row.append(String.format(" %6d", r.confusion()[i][j]));
            }
            out.println(row);
        }
    }

    /**
     * The {@code n} largest off-diagonal cells of the confusion matrix, largest first (ties: lower label, then lower
     * prediction).
     */
    static List<long[]> topConfusions(int[][] confusion, int n) {
        List<long[]> cells = new ArrayList<>();
        for (int i = 0; i < confusion.length; i++) {
            for (int j = 0; j < confusion[i].length; j++) {
                if (i != j && confusion[i][j] > 0) {
                    cells.add(new long[] {i, j, confusion[i][j]});
                }
            }
        }
        cells.sort(Comparator.<long[]>comparingLong(c -> -c[2]).thenComparingLong(c -> c[0])
                .thenComparingLong(c -> c[1]));
        return cells.subList(0, Math.min(n, cells.size()));
    }

    private static void printConfusions(PrintWriter out, EvaluationResult r, int n) {
        long pairs = 0;
        long errors = 0;
        for (int i = 0; i < r.confusion().length; i++) {
            for (int j = 0; j < r.confusion()[i].length; j++) {
                if (i != j && r.confusion()[i][j] > 0) {
                    pairs++;
                    errors += r.confusion()[i][j];
                }
            }
        }
        if (pairs == 0) {
            out.println("Confusions: none, every sample is predicted correctly");
            return;
        }
        if (n == 0) {
            out.printf(Locale.ROOT, "%,d errors in %,d label -> prediction pairs (--top-confusions N lists the most "
                    + "frequent)%n", errors, pairs);
            return;
        }
        List<long[]> top = topConfusions(r.confusion(), n);
        out.printf(Locale.ROOT, "Most frequent confusions (%d of %,d label -> prediction pairs, %,d errors in all; "
                + "--top-confusions N)%n", top.size(), pairs, errors);
        List<Integer> involved = new ArrayList<>();
        for (long[] c : top) {
            involved.add((int) c[0]);
        }
        int w = nameWidth(r.classNames(), involved, true);
        out.printf("%-" + w + "s   %-" + w + "s %7s %9s%n", "label", "predicted as", "count", "of label");
        for (long[] c : top) {
            int label = (int) c[0];
            int pred = (int) c[1];
            int samples = r.classCounts()[label];
            out.printf(Locale.ROOT, "%-" + w + "s   %-" + w + "s %7d %8.1f%%%n", label(r.classNames(), label, true),
                    label(r.classNames(), pred, true), c[2], samples == 0 ? 0 : 100.0 * c[2] / samples);
        }
    }

    /**
     * Per-class FP32 and quantized accuracy and the drop of a simulation (the worst classes by drop when there are
     * many).
     */
    static void printDrops(PrintWriter out, EvaluationResult f, EvaluationResult q, double[] drop,
                           ClassTableOptions o) {
        int k = f.classNames().size();
        boolean full = o.full(k);
        WorstSelection<Integer> s = WorstSelection.of(indices(k), c -> f.classNames().get(c), c -> drop[c],
                full ? 0 : o.worstClasses, null, List.of());
        List<Integer> rows = s.shown();
        int w = nameWidth(f.classNames(), rows, !full);
        if (!full) {
            out.printf(Locale.ROOT, "%,d classes; the %d with the largest drop (--worst-classes N; --all-classes "
                    + "prints every class; the JSON has all)%n", k, rows.size());
        }
        out.printf("%-" + w + "s %8s %9s %9s %8s%n", "class", "samples", "FP32", "quantized", "drop");
        for (int c : rows) {
            out.printf("%-" + w + "s %8d %9s %9s %8s%n", label(f.classNames(), c, !full), f.classCounts()[c],
                    pct(f.perClassAccuracy()[c]), pct(q.perClassAccuracy()[c]),
                    Double.isNaN(drop[c]) ? "-" : String.format("%+.2f", drop[c]));
        }
        if (!full) {
            out.println(s.rest().describe("classes", "drop", "%+.2f points", true).replace("without a value",
                    "without samples"));
        }
    }

    /** The name, with its index in front when {@code indexed} and the name is not the index itself. */
    static String label(List<String> names, int c, boolean indexed) {
        String name = names.get(c);
        return !indexed || name.equals(String.valueOf(c)) ? name : c + " " + name;
    }

    private static int nameWidth(List<String> names, List<Integer> rows, boolean indexed) {
        if (!indexed) {
            return Math.max(5, names.stream().mapToInt(String::length).max().orElse(5) + 3);
        }
        return Math.max(5, rows.stream().mapToInt(c -> label(names, c, true).length()).max().orElse(5) + 2);
    }

    private static WorstSelection.Rest scaled(WorstSelection.Rest r, double f) {
        return r.scored() == 0 ? r : new WorstSelection.Rest(r.count(), r.scored(), f * r.mean(), f * r.min(),
                f * r.max());
    }

    static List<Integer> indices(int k) {
        List<Integer> l = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            l.add(i);
        }
        return l;
    }

    private static String pct(double a) {
        return Double.isNaN(a) ? "-" : String.format("%.2f %%", 100 * a);
    }
}
