package org.quantscope.ui.main;

import java.util.Locale;

/**
 * What was found when the selected data was opened for the current model.
 *
 * @param selection what the user picked
 * @param samples   number of samples
 * @param classes   number of classes
 */
public record DataInfo(DataSelection selection, int samples, int classes) {

    /** e.g. {@code fmnist-test-images-idx3-ubyte.gz · 10,000 samples · 10 classes}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s · %,d samples · %d classes", selection.displayName(), samples, classes);
    }
}
