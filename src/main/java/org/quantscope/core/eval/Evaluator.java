package org.quantscope.core.eval;

import org.quantscope.core.InputException;
import org.quantscope.core.Provenance;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.CancelledException;
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
     * At most this many samples go into one ONNX Runtime run, whatever the batch size (a smaller batch size is
     * kept; a model with a fixed batch dimension runs batches of exactly that size). With 32 Fashion-MNIST samples a
     * MobileNet's activations stay in the caches; with 256 every pass over them goes to memory. Measured on the demo
     * (docs/benchmarks.md, "Quantization simulation"): FP32 runs about 1.3x faster and the simulation graph, whose
     * quantizers add passes, about 1.6x. The outputs do not depend on the run size, since ONNX Runtime computes
     * every sample by itself (checked bit for bit by a test on both demo architectures).
     */
    public static final int RUN_SAMPLES = 32;

    /**
     * Samples per ONNX Runtime run for samples of the given length: at most {@link #RUN_SAMPLES}, at most
     * {@link org.quantscope.core.util.MemoryBudget#RUN_INPUT_BYTES} of input, at least one, never more than the
     * batch size.
     *
     * @param batchSize    the caller's batch size
     * @param sampleLength floats per input sample
     * @return samples per run
     */
    public static int runSamples(int batchSize, int sampleLength) {
        return Math.max(1, Math.min(Math.min(batchSize, RUN_SAMPLES),
                org.quantscope.core.util.MemoryBudget.runSamplesForInput(sampleLength)));
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
        // A sample whose file was skipped as unreadable keeps -1 and is left out of the figures.
        java.util.Arrays.fill(predictions, -1);
        // A model exported with a fixed batch runs whole batches of that size whatever is fed (InferenceSession pads
        // a shorter one), so its runs are read at exactly that size.
        int run = session.fixedBatch() > 0 ? session.fixedBatch()
                : runSamples(settings.batchSize(), data.sampleLength());
        int workers = Math.max(1, Math.min(session.concurrentRuns(), (n + run - 1) / run));
        progress.onProgress(0, n, "Evaluating");
        int classes;
        try (BatchPrefetcher batches = new BatchPrefetcher(data, n, run, workers, PREFETCH_DEPTH)) {
            Shared shared = new Shared(batches, n, progress);
            if (workers == 1) {
                work(session, data, output, shared, predictions, labels, cancel);
            } else {
                parallel(session, data, output, shared, predictions, labels, cancel, workers);
            }
            classes = shared.classes;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int evaluated = 0;
        for (int p : predictions) {
            if (p >= 0) {
                evaluated++;
            }
        }
        if (evaluated == 0) {
            throw new InputException("Every one of the " + n + " samples of " + data.description() + " was skipped as "
                    + "unreadable (first: " + data.skippedFiles().get(0).describe() + "); nothing to evaluate.");
        }
        if (evaluated < n) {
            int[] p = new int[evaluated];
            int[] l = new int[evaluated];
            for (int i = 0, j = 0; i < n; i++) {
                if (predictions[i] >= 0) {
                    p[j] = predictions[i];
                    l[j++] = labels[i];
                }
            }
            predictions = p;
            labels = l;
        }
        return summarize(predictions, labels, classes, classNames(data, classes), seconds,
                provenance(session, data, settings, n, n - evaluated));
    }

    /**
     * Batches read ahead of the model runs. Two keep the reading thread busy while a run and the hand-over of the
     * previous batch go on; each costs one run's samples of memory ({@link #runSamples}: at most 4 MiB of input).
     */
    static final int PREFETCH_DEPTH = 2;

    /** What the workers of one evaluation share: the batches, the class count, the progress. */
    private static final class Shared {
        final BatchPrefetcher batches;
        final int total;
        final ProgressListener progress;
        int classes = -1;
        int done;

        Shared(BatchPrefetcher batches, int total, ProgressListener progress) {
            this.batches = batches;
            this.total = total;
            this.progress = progress;
        }

        private final Object reading = new Object();

        /** The next batch, or null; waits for a read in progress without blocking {@link #finished}. */
        Batch take() {
            synchronized (reading) {
                return batches.hasNext() ? batches.next() : null;
            }
        }

        synchronized void finished(int count) {
            done += count;
            progress.onProgress(done, total, "Evaluating");
        }
    }

    /** Runs batches until none are left; the predictions go to the positions of the batch's samples. */
    private static void work(InferenceSession session, Dataset data, String output, Shared shared,
                             int[] predictions, int[] labels, CancellationToken cancel) {
        Batch b;
        while ((b = shared.take()) != null) {
            cancel.throwIfCancelled();
            if (b.count() == 0) {
                // Every file of the batch was skipped as unreadable.
                shared.batches.release(b);
                continue;
            }
            FloatTensor logits = session.run(b.data(), b.shape(), List.of(output), cancel).get(output);
            int k = logits.rowLength();
            synchronized (shared) {
                if (shared.classes < 0) {
                    shared.classes = checkClasses(session, data, k);
                }
            }
            float[] v = logits.data();
            for (int i = 0; i < b.count(); i++) {
                int at = b.indices()[i];
                predictions[at] = argmax(v, i * k, k);
                labels[at] = b.labels()[i];
                if (labels[at] >= k) {
                    throw new InputException(data.description() + ": sample " + at + " has label "
                            + labels[at] + " but the model's output '" + output + "' has only " + k
                            + " classes (labels must be 0.." + (k - 1) + ").");
                }
            }
            // Rows skipped between the first and the last count as done for the progress.
            shared.finished(b.indices()[b.count() - 1] - b.indices()[0] + 1);
            shared.batches.release(b);
        }
    }

    /**
     * {@link #work} on {@code workers} threads at once (the session was opened for that many concurrent runs). The
     * first failure stops the others and is thrown as it was; a cancel stops all of them.
     */
    private static void parallel(InferenceSession session, Dataset data, String output, Shared shared,
                                 int[] predictions, int[] labels, CancellationToken cancel, int workers) {
        CancellationToken stop = new CancellationToken();
        try (CancellationToken.Registration reg = cancel.onCancel(stop::cancel)) {
            java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread[] threads = new Thread[workers];
            for (int w = 0; w < workers; w++) {
                threads[w] = new Thread(() -> {
                    try {
                        work(session, data, output, shared, predictions, labels, stop);
                    } catch (RuntimeException | Error e) {
                        if (failure.compareAndSet(null, e)) {
                            stop.cancel();
                        }
                    }
                }, "quantscope-eval-" + w);
                threads[w].setDaemon(true);
                threads[w].start();
            }
            for (Thread t : threads) {
                org.quantscope.core.util.Threads.joinUninterruptibly(t, stop);
            }
            // A worker stopped by another's failure reports a cancel; the first failure is the real one, and it is
            // reported even if the user cancelled meanwhile.
            Throwable f = failure.get();
            if (f != null && !(f instanceof CancelledException)) {
                if (f instanceof Error err) {
                    throw err;
                }
                throw (RuntimeException) f;
            }
            cancel.throwIfCancelled();
            if (f != null) {
                throw (RuntimeException) f;
            }
        }
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

    private static Provenance provenance(InferenceSession s, Dataset data, EvaluationSettings settings, int n,
                                         int skipped) {
        Map<String, String> st = new LinkedHashMap<>();
        st.put("batchSize", String.valueOf(settings.batchSize()));
        st.put("samples", String.valueOf(n - skipped));
        st.putAll(skippedFiles(data, skipped));
        return Provenance.of(s.model().path().toString(), s.model().sha256(), data.description(), st);
    }

    /**
     * The provenance entries of files skipped as unreadable: {@code skippedFiles} (how many samples of this run were
     * left out) and {@code skippedFileList} (one {@code "path: reason"} per file, separated by newlines); none when
     * nothing was skipped.
     *
     * @param data    the data set
     * @param skipped samples of the run left out
     * @return the entries
     */
    public static Map<String, String> skippedFiles(Dataset data, int skipped) {
        Map<String, String> st = new LinkedHashMap<>();
        if (skipped > 0) {
            st.put("skippedFiles", String.valueOf(skipped));
            st.put("skippedFileList", String.join("\n", data.skippedFiles().stream().map(
                    org.quantscope.core.data.SkippedFile::describe).toList()));
        }
        return st;
    }
}
