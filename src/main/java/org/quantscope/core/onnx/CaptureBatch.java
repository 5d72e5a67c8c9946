package org.quantscope.core.onnx;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.MemoryBudget;

/**
 * The batch size of a run that captures intermediate tensors, from the {@link MemoryBudget}: what one sample's
 * captured outputs take in every session involved (measured), times two for the copies alive at once (ONNX
 * Runtime's native output and the Java array it is copied into), divided into the budget. Callers stream the data in
 * batches of that size and accumulate statistics, so their memory stays flat in the number of samples. When even one
 * sample of every captured tensor does not fit, {@link #passes} splits the tensors into groups that do, and the caller
 * streams the data once per group (layer by layer, in graph order): more ONNX Runtime runs, the same numbers.
 */
public final class CaptureBatch {

    /** Copies of a captured tensor alive at once: ONNX Runtime's output and the Java array. */
    public static final int COPIES = 2;

    private CaptureBatch() {
    }

    /**
     * The batch size for sessions that run side by side on the same batch, each returning {@code outputs}.
     *
     * @param wanted      the caller's batch size without a budget
     * @param sampleShape one input sample's shape, without the batch dimension
     * @param outputs     the outputs every session returns per run
     * @param analysis    what captures, for the message when one sample does not fit
     * @param lower       the setting that lowers the need, or null
     * @param cancel      cancellation
     * @param sessions    the sessions
     * @return between 1 and {@code wanted}
     * @throws org.quantscope.core.InputException when one sample does not fit the budget
     */
    public static int size(int wanted, int[] sampleShape, Collection<String> outputs, String analysis, String lower,
                           CancellationToken cancel, InferenceSession... sessions) {
        wanted = inputBound(wanted, sampleShape);
        long per = 0;
        for (InferenceSession s : sessions) {
            per += COPIES * s.bytesPerSample(sampleShape, outputs, cancel);
        }
        return MemoryBudget.samplesPerRun(per, wanted, analysis, lower);
    }

    /**
     * One pass over the data: the tensors it captures and its batch size.
     *
     * @param tensors the captured tensors of this pass
     * @param batch   samples per run
     */
    public record Pass(List<String> tensors, int batch) {
        /** Copies the list. */
        public Pass {
            tensors = List.copyOf(tensors);
        }
    }

    /**
     * Splits captured tensors into passes that each fit the budget: consecutive tensors (graph order) are grouped
     * while one sample of the group fits in the budget with at least {@code minBatch} samples, then each pass runs as
     * many samples as fit. One pass when everything fits (the usual case).
     *
     * @param wanted      the caller's batch size without a budget
     * @param sampleShape one input sample's shape, without the batch dimension
     * @param tensors     the tensors to capture, in graph order
     * @param analysis    what captures, for the message when one tensor of one sample does not fit
     * @param cancel      cancellation
     * @param sessions    the sessions that each capture a pass's tensors on the same batch
     * @return the passes, at least one (with no tensors when {@code tensors} is empty)
     * @throws org.quantscope.core.InputException when a single tensor of one sample does not fit the budget
     */
    public static List<Pass> passes(int wanted, int[] sampleShape, List<String> tensors, String analysis,
                                    CancellationToken cancel, InferenceSession... sessions) {
        wanted = inputBound(wanted, sampleShape);
        List<String> unique = List.copyOf(new LinkedHashSet<>(tensors));
        long budget = MemoryBudget.runBytes();
        long[] per = new long[unique.size()];
        for (InferenceSession s : sessions) {
            s.bytesPerSample(sampleShape, unique, cancel); // one probe run for all
        }
        for (int i = 0; i < unique.size(); i++) {
            for (InferenceSession s : sessions) {
                per[i] += COPIES * s.bytesPerSample(sampleShape, List.of(unique.get(i)), cancel);
            }
        }
        int minBatch = Math.max(1, Math.min(wanted, MIN_PASS_BATCH));
        List<Pass> out = new ArrayList<>();
        List<String> group = new ArrayList<>();
        long groupBytes = 0;
        for (int i = 0; i < unique.size(); i++) {
            if (!group.isEmpty() && (groupBytes + per[i]) * minBatch > budget) {
                out.add(new Pass(group, MemoryBudget.samplesPerRun(groupBytes, wanted, analysis, null)));
                group = new ArrayList<>();
                groupBytes = 0;
            }
            group.add(unique.get(i));
            groupBytes += per[i];
        }
        out.add(new Pass(group, MemoryBudget.samplesPerRun(groupBytes, wanted, analysis, null)));
        return out;
    }

    /** The caller's batch, at most {@link MemoryBudget#RUN_INPUT_BYTES} of input (ONNX Runtime's own memory). */
    private static int inputBound(int wanted, int[] sampleShape) {
        int length = 1;
        for (int d : sampleShape) {
            length *= d;
        }
        return Math.max(1, Math.min(wanted, MemoryBudget.runSamplesForInput(length)));
    }

    /** Samples a pass should run at once at least, before the tensors are split into more passes. */
    static final int MIN_PASS_BATCH = 4;

    /**
     * Refuses, before any expensive work, a model whose per-layer analyses cannot fit the memory budget at all: one
     * sample of its largest layer output, captured in two sessions side by side (FP32 and quantized, as the
     * comparison and fix effects run them), must fit. Costs one session and one single-sample run.
     *
     * @param model       the model
     * @param sampleShape one input sample's shape, without the batch dimension
     * @param session     ONNX Runtime settings
     * @param cancel      cancellation
     * @throws org.quantscope.core.InputException naming the budget and how to raise it
     */
    public static void preflight(OnnxModel model, int[] sampleShape, SessionSettings session,
                                 CancellationToken cancel) {
        List<String> outs = model.layers().stream().map(l -> l.linear().output()).distinct().toList();
        if (outs.isEmpty()) {
            return;
        }
        try (InferenceSession s = InferenceSession.open(model, session, outs)) {
            passes(1, sampleShape, outs, "the per-layer analyses of " + model.path().getFileName(), cancel, s, s);
        }
    }
}
