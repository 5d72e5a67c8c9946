package org.quantscope.core.eval;

/**
 * Settings of an accuracy evaluation.
 *
 * @param batchSize samples read from the dataset at a time; ONNX Runtime runs at most {@link Evaluator#RUN_SAMPLES} of
 *                  them at once (the model's own fixed batch size, if it has one, is honoured inside)
 * @param limit     evaluate only the first {@code limit} samples; 0 or negative for all
 */
public record EvaluationSettings(int batchSize, int limit) {

    /** Batches of 256 over the whole dataset. */
    public static final EvaluationSettings DEFAULT = new EvaluationSettings(256, 0);

    public EvaluationSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
    }
}
