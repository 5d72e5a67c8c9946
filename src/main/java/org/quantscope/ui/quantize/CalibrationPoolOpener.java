package org.quantscope.ui.quantize;

import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;
import org.quantscope.ui.main.DataSelection;

/**
 * Opens a calibration pool for a model, like the CLI's {@code --calib-data}: the samples are fitted to the model's
 * input exactly as test data is, but labels are optional (calibration never reads them). Called on the worker thread.
 */
@FunctionalInterface
public interface CalibrationPoolOpener {

    /**
     * Opens a pool.
     *
     * @param selection the data file or folder, and optional labels
     * @param model     the model the samples are prepared for
     * @param progress  progress of reading
     * @param cancel    cancellation
     * @return the open pool; the caller closes it
     * @throws org.quantscope.core.InputException when the data cannot be read or does not fit the model
     */
    Dataset open(DataSelection selection, OnnxModel model, ProgressListener progress, CancellationToken cancel);

    /** The opener used by the application: {@link DatasetLoader} with labels optional. */
    static CalibrationPoolOpener standard() {
        return (selection, model, progress, cancel) -> {
            DataSpec spec = DataSpec.of(selection.data()).withSkipBadFiles(selection.skipBadFiles());
            if (selection.labels() != null) {
                spec = spec.withLabels(selection.labels());
            }
            return DatasetLoader.open(spec, ModelInputs.expected(model), false, progress, cancel);
        };
    }
}
