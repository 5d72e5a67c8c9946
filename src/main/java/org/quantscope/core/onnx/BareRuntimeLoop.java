package org.quantscope.core.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * The baseline of the evaluation benchmark: ONNX Runtime's Java API used directly, the way a hand-written script would
 * (one session, pre-built input arrays, arg-max of the first output), with none of QuantScope's code in the loop.
 */
public final class BareRuntimeLoop implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final String input;

    /**
     * Creates the session.
     *
     * @param model   the model
     * @param threads intra-op threads (0 = ONNX Runtime's default)
     */
    public BareRuntimeLoop(OnnxModel model, int threads) {
        this.input = model.inputs().get(0).name();
        NativeLibraryCache.prepare();
        this.env = OrtEnvironment.getEnvironment();
        try {
            options = new OrtSession.SessionOptions();
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model.bytes(), options);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed in the baseline loop: " + e.getMessage(), e);
        }
    }

    /**
     * Runs every batch once and returns the number of correct arg-max predictions.
     *
     * @param batches input batches, row-major
     * @param shapes  their shapes
     * @param labels  labels per batch
     * @return correct predictions
     */
    public int correctPredictions(List<float[]> batches, List<long[]> shapes, List<int[]> labels) {
        int correct = 0;
        for (int b = 0; b < batches.size(); b++) {
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(batches.get(b)), shapes.get(b));
                 OrtSession.Result r = session.run(Map.of(input, t))) {
                float[][] logits = (float[][]) r.get(0).getValue();
                for (int i = 0; i < logits.length; i++) {
                    int best = 0;
                    for (int j = 1; j < logits[i].length; j++) {
                        if (logits[i][j] > logits[i][best]) {
                            best = j;
                        }
                    }
                    correct += best == labels.get(b)[i] ? 1 : 0;
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed in the baseline loop: " + e.getMessage(), e);
            }
        }
        return correct;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing to do: the benchmark is over
        } finally {
            options.close();
        }
    }
}
