package org.quantscope.core.data;

import org.quantscope.core.InputException;

/**
 * Reads and checks class labels: one non-negative integer per sample, below the number of classes.
 */
final class Labels {

    private Labels() {
    }

    /**
     * Reads a 1-D (or N x 1) integer array as labels.
     *
     * @param array the stored labels
     * @return one label per element
     * @throws InputException when the array is not integer or not 1-D, or a label does not fit an int
     */
    static int[] fromArray(NumericArray array) {
        String name = array.sourceName();
        ElementType t = array.elementType();
        if (t.isFloatingPoint() || t == ElementType.BOOL) {
            throw new InputException(name + " holds " + t + " values, but labels must be integers (int64, int32,"
                    + " int16 or uint8); convert them, e.g. y.astype(np.int64)");
        }
        long[] shape = array.shape();
        if (!(shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
            throw new InputException(name + " has shape " + NumericArray.describe(shape) + ", but labels must be"
                    + " a 1-D array of class indices (one per sample; one-hot labels are not accepted)");
        }
        if (shape[0] > Integer.MAX_VALUE) {
            throw new InputException(name + " has more labels than QuantScope can handle");
        }
        int[] labels = new int[(int) shape[0]];
        for (int i = 0; i < labels.length; i++) {
            long v = array.getLong(i);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new InputException(name + " has label " + v + " at index " + i + ", far outside any class"
                        + " range");
            }
            labels[i] = (int) v;
        }
        return labels;
    }

    /**
     * Checks that there is one label per sample.
     *
     * @throws InputException naming both files when the counts differ
     */
    static void checkCount(int[] labels, String labelsName, long samples, String dataName) {
        if (labels.length != samples) {
            throw new InputException(labelsName + " has " + labels.length + " labels but " + dataName + " has "
                    + samples + " samples");
        }
    }

    /** The largest label, or -1 for none. */
    static int max(int[] labels) {
        int max = -1;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max;
    }

    /**
     * Checks every label is in {@code [0, classes)}.
     *
     * @param classesFrom where the class count comes from, e.g. "the model's 10 outputs"
     * @throws InputException naming the file, the first bad label and its index
     */
    static void checkRange(int[] labels, int classes, String labelsName, String classesFrom) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new InputException(labelsName + " has a negative label " + labels[i] + " at index " + i
                        + "; labels must be class indices 0.." + (classes - 1));
            }
            if (labels[i] >= classes) {
                throw new InputException(labelsName + " has label " + labels[i] + " at index " + i
                        + ", outside [0, " + classes + ") given by " + classesFrom);
            }
        }
    }
}
