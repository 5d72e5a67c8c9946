package org.quantscope.core.eval;

import org.quantscope.core.InputException;
import org.quantscope.core.Provenance;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures top-1 accuracy of a model on a labelled dataset by running it batch by batch in ONNX Runtime. The first
 * graph output is taken as the class scores (logits or probabilities; arg-max is the same).
 */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * Evaluates.
     *
     * @param session  the model session
     * @param data     labelled data, already preprocessed for the model
     * @param settings batch size and limit
     * @param progress receives samples done / total
     * @param cancel   stops the evaluation (including a native run in progress)
     * @return accuracy, per-class accuracy, confusion and provenance
     */
    public static EvaluationResult evaluate(InferenceSession session, Dataset data, EvaluationSettings settings,
                                            ProgressListener progress, CancellationToken cancel) {
        int n = settings.limit() > 0 ? Math.min(settings.limit(), data.size()) : data.size();
        if (n == 0) {
            throw new InputException(data.description() + " contains no samples to evaluate.");
        }
        String output = session.model().outputs().get(0).name();
        long start = System.nanoTime();
        int[] predictions = new int[n];
        int[] labels = new int[n];
        int classes = -1;
        progress.onProgress(0, n, "Evaluating");
        try (BatchPrefetcher batches = new BatchPrefetcher(data, n, settings.batchSize())) {
            int from = 0;
            while (batches.hasNext()) {
                cancel.throwIfCancelled();
                Batch b = batches.next();
                FloatTensor logits = session.run(b.data(), b.shape(), List.of(output), cancel).get(output);
                int k = logits.rowLength();
                if (classes < 0) {
                    classes = checkClasses(session, data, k);
                }
                float[] v = logits.data();
                for (int i = 0; i < b.count(); i++) {
                    predictions[from + i] = argmax(v, i * k, k);
                    labels[from + i] = b.labels()[i];
                    if (labels[from + i] >= k) {
                        throw new InputException(data.description() + ": sample " + (from + i) + " has label "
                                + labels[from + i] + " but the model's output '" + output + "' has only " + k
                                + " classes (labels must be 0.." + (k - 1) + ").");
                    }
                }
                from += b.count();
                progress.onProgress(from, n, "Evaluating");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return summarize(predictions, labels, classes, classNames(data, classes), seconds,
                provenance(session, data, settings, n));
    }

    private static int checkClasses(InferenceSession session, Dataset data, int k) {
        if (k < 2) {
            throw new InputException(session.model().path().getFileName() + ": the first output has " + k
                    + " value per sample; accuracy needs one score per class (at least 2).");
        }
        int named = data.classNames().size();
        if (named > k) {
            throw new InputException(data.description() + " has " + named + " classes but the model "
                    + session.model().path().getFileName() + " outputs " + k + " scores per sample.");
        }
        return k;
    }

    private static List<String> classNames(Dataset data, int k) {
        List<String> names = new ArrayList<>(data.classNames());
        for (int i = names.size(); i < k; i++) {
            names.add(String.valueOf(i));
        }
        return names;
    }

    /** Index of the largest value in {@code v[off, off+k)}; the first one on ties. */
    static int argmax(float[] v, int off, int k) {
        int best = 0;
        float bv = v[off];
        for (int j = 1; j < k; j++) {
            if (v[off + j] > bv) {
                bv = v[off + j];
                best = j;
            }
        }
        return best;
    }

    /**
     * Builds accuracy figures from predictions and labels.
     *
     * @param predictions predicted class per sample
     * @param labels      true class per sample
     * @param classes     number of classes
     * @param names       class names
     * @param seconds     time taken
     * @param provenance  provenance
     * @return the result
     */
    public static EvaluationResult summarize(int[] predictions, int[] labels, int classes, List<String> names,
                                             double seconds, Provenance provenance) {
        int[][] confusion = new int[classes][classes];
        int[] counts = new int[classes];
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            confusion[labels[i]][predictions[i]]++;
            counts[labels[i]]++;
            if (labels[i] == predictions[i]) {
                correct++;
            }
        }
        double[] perClass = new double[classes];
        for (int c = 0; c < classes; c++) {
            perClass[c] = counts[c] == 0 ? Double.NaN : confusion[c][c] / (double) counts[c];
        }
        return new EvaluationResult(correct / (double) labels.length, perClass, counts, confusion,
                List.copyOf(names), predictions, labels, seconds, provenance);
    }

    private static Provenance provenance(InferenceSession s, Dataset data, EvaluationSettings settings, int n) {
        Map<String, String> st = new LinkedHashMap<>();
        st.put("batchSize", String.valueOf(settings.batchSize()));
        st.put("samples", String.valueOf(n));
        return Provenance.of(s.model().path().toString(), s.model().sha256(), data.description(), st);
    }
}
