package org.quantscope.ui.main;

import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

/**
 * Opens the data the user selected, prepared for a given model. Called on the worker thread.
 */
@FunctionalInterface
public interface DatasetOpener {

    /**
     * Opens a data set.
     *
     * @param selection what the user picked
     * @param model     the model the samples are prepared for (input shape, number of classes)
     * @param progress  progress of reading
     * @param cancel    cancellation
     * @return the open data set; the caller closes it
     * @throws org.quantscope.core.InputException when the data cannot be read or does not fit the model
     */
    Dataset open(DataSelection selection, OnnxModel model, ProgressListener progress, CancellationToken cancel);
}
