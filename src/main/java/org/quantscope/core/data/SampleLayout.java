package org.quantscope.core.data;

import java.util.Arrays;

import org.quantscope.core.InputException;

/**
 * How the samples of a stored array map onto the model's input: the sample shape the model gets and whether the
 * stored samples are channels-last (H, W, C) and must be transposed to (C, H, W). Accepted, in this order: the
 * exact shape; (H, W) for a (1, H, W) input; any shape whose element count equals a flat (features) input;
 * (features) for a (C, H, W) input of the same size (reshaped, C order); (H, W, C) for a (C, H, W) input.
 *
 * @param sampleShape  the shape of one sample as the model receives it
 * @param channelsLast whether stored samples are (H, W, C) and are transposed when read
 */
public record SampleLayout(int[] sampleShape, boolean channelsLast) {

    /** Copies the shape. */
    public SampleLayout {
        sampleShape = sampleShape.clone();
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** Channels for per-channel normalization: the first dimension of a (C, H, W) sample, else 1. */
    public int channels() {
        return sampleShape.length == 3 ? sampleShape[0] : 1;
    }

    /**
     * Fits stored samples to the model's input.
     *
     * @param arrayShape the stored array's shape, samples first
     * @param expected   what the model expects
     * @param dataName   the data file name, for messages
     * @return the layout
     * @throws InputException when the samples do not fit the model's input
     */
    public static SampleLayout fit(long[] arrayShape, ExpectedInput expected, String dataName) {
        if (arrayShape.length < 2) {
            throw new InputException(dataName + " has shape " + NumericArray.describe(arrayShape) + ", which has no"
                    + " sample dimensions; data must be N x C x H x W, N x H x W or N x features");
        }
        int[] rest = new int[arrayShape.length - 1];
        long length = 1;
        for (int i = 0; i < rest.length; i++) {
            if (arrayShape[i + 1] > Integer.MAX_VALUE) {
                throw new InputException(dataName + " has an implausibly large sample dimension "
                        + arrayShape[i + 1]);
            }
            rest[i] = (int) arrayShape[i + 1];
            length *= rest[i];
        }
        if (length > Integer.MAX_VALUE / 4) {
            throw new InputException(dataName + " has samples of " + length + " values, too many for one sample");
        }
        int[] exp = expected.sampleShape();
        if (exp == null || exp.length == 0) {
            return new SampleLayout(rest.length == 2 ? new int[] {1, rest[0], rest[1]} : rest, false);
        }
        if (matches(rest, exp)) {
            return new SampleLayout(rest, false);
        }
        if (rest.length == 2 && exp.length == 3 && exp[0] <= 1 && exp[0] != 0
                && matches(rest, new int[] {exp[1], exp[2]})) {
            return new SampleLayout(new int[] {1, rest[0], rest[1]}, false);
        }
        if (exp.length == 1 && (exp[0] < 0 || exp[0] == length)) {
            return new SampleLayout(new int[] {(int) length}, false);
        }
        if (rest.length == 1 && exp.length == 3 && allKnown(exp) && (long) exp[0] * exp[1] * exp[2] == length) {
            return new SampleLayout(exp, false);
        }
        if (rest.length == 3 && exp.length == 3) {
            int[] chw = {rest[2], rest[0], rest[1]};
            if (matches(chw, exp)) {
                return new SampleLayout(chw, true);
            }
        }
        throw new InputException(dataName + " has samples of shape " + ExpectedInput.describe(rest) + " but "
                + expected.describeInput() + " expects " + ExpectedInput.describe(exp));
    }

    private static boolean matches(int[] actual, int[] expected) {
        if (actual.length != expected.length) {
            return false;
        }
        for (int i = 0; i < actual.length; i++) {
            if (expected[i] >= 0 && expected[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean allKnown(int[] shape) {
        return Arrays.stream(shape).allMatch(d -> d > 0);
    }
}
