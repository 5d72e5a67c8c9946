package org.quantscope.cli;

import org.quantscope.core.eval.EvaluationResult;

import java.io.PrintWriter;

/** Plain-text tables of results for the terminal. */
final class ResultTables {

    private ResultTables() {
    }

    static void printEvaluation(PrintWriter out, EvaluationResult r) {
        out.printf("Model      %s%n", r.provenance().modelPath());
        out.printf("Data       %s (%d samples)%n", r.provenance().data(), r.samples());
        out.printf("Accuracy   %.2f %%   (%d of %d correct)%n", 100 * r.accuracy(),
                Math.round(r.accuracy() * r.samples()), r.samples());
        out.printf("Speed      %.0f images/s (%.2f s)%n", r.imagesPerSecond(), r.seconds());
        out.println();
        int w = Math.max(5, r.classNames().stream().mapToInt(String::length).max().orElse(5) + 3);
        out.printf("%-" + w + "s %8s %9s%n", "class", "samples", "accuracy");
        for (int c = 0; c < r.classNames().size(); c++) {
            double a = r.perClassAccuracy()[c];
            out.printf("%-" + w + "s %8d %9s%n", r.classNames().get(c), r.classCounts()[c],
                    Double.isNaN(a) ? "-" : String.format("%.2f %%", 100 * a));
        }
        out.println();
        out.println("Confusion matrix (rows: label, columns: prediction)");
        int k = r.confusion().length;
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
}
