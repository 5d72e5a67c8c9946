package org.quantscope.ui.main;

import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.ExpectedInput;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.TensorSpec;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

/**
 * Opens the user's data with {@link DatasetLoader}, fitted to the model: the sample shape is the model input's shape
 * without the batch dimension, the class count is the width of the model's first output. Preprocessing and class
 * names come from a {@code dataset.json} next to the data.
 */
public final class ModelDatasetOpener implements DatasetOpener {

    @Override
    public Dataset open(DataSelection selection, OnnxModel model, ProgressListener progress,
                        CancellationToken cancel) {
        DataSpec spec = DataSpec.of(selection.data());
        if (selection.labels() != null) {
            spec = spec.withLabels(selection.labels());
        }
        return DatasetLoader.open(spec, expectedInput(model), progress, cancel);
    }

    /**
     * What the model expects of its data.
     *
     * @param model the model
     * @return input name, sample shape (-1 for dynamic dimensions) and class count (-1 when unknown)
     */
    static ExpectedInput expectedInput(OnnxModel model) {
        TensorSpec in = model.inputs().get(0);
        long[] shape = in.shape();
        int[] sample = null;
        if (shape.length >= 2) {
            sample = new int[shape.length - 1];
            for (int i = 1; i < shape.length; i++) {
                sample[i - 1] = shape[i] > 0 && shape[i] <= Integer.MAX_VALUE ? (int) shape[i] : -1;
            }
        }
        int classes = -1;
        long[] out = model.outputs().isEmpty() ? new long[0] : model.outputs().get(0).shape();
        if (out.length >= 2 && out[out.length - 1] > 0) {
            classes = (int) out[out.length - 1];
        }
        return new ExpectedInput(in.name(), sample, classes);
    }
}
