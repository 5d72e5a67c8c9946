package org.quantscope.ui.main;

import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

/**
 * Opens the user's data with {@link DatasetLoader}, fitted to the model exactly as the CLI's {@code eval} does
 * ({@link ModelInputs#expected}: sample shape from the model input, class count from its first output). Preprocessing
 * and class names come from a {@code dataset.json} next to the data.
 */
public final class ModelDatasetOpener implements DatasetOpener {

    @Override
    public Dataset open(DataSelection selection, OnnxModel model, ProgressListener progress,
                        CancellationToken cancel) {
        DataSpec spec = DataSpec.of(selection.data()).withSkipBadFiles(selection.skipBadFiles());
        if (selection.labels() != null) {
            spec = spec.withLabels(selection.labels());
        }
        return DatasetLoader.open(spec, ModelInputs.expected(model), progress, cancel);
    }
}
