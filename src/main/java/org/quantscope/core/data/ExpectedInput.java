package org.quantscope.core.data;

/**
 * What the model expects of a data set: the shape of one sample of its input (without the batch dimension; a
 * dimension of {@code -1} accepts any size) and the number of classes it predicts.
 *
 * @param inputName   the model input's name, for messages, or {@code null}
 * @param sampleShape (C, H, W) or (features), or {@code null} when unknown
 * @param numClasses  the width of the model's output, or {@code -1} when unknown
 */
public record ExpectedInput(String inputName, int[] sampleShape, int numClasses) {

    /** Nothing known about the model: the data's own shape and labels decide. */
    public static final ExpectedInput ANY = new ExpectedInput(null, null, -1);

    /** Copies the shape. */
    public ExpectedInput {
        sampleShape = sampleShape == null ? null : sampleShape.clone();
    }

    @Override
    public int[] sampleShape() {
        return sampleShape == null ? null : sampleShape.clone();
    }

    /** How messages name the model's input, e.g. {@code "the model input 'input'"}. */
    String describeInput() {
        return inputName == null || inputName.isEmpty() ? "the model input" : "the model input '" + inputName + "'";
    }

    /** Formats a shape as {@code 1x28x28}, with {@code ?} for a dimension of any size. */
    static String describe(int[] shape) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : "x").append(shape[i] < 0 ? "?" : Integer.toString(shape[i]));
        }
        return b.toString();
    }
}
