package org.quantscope.core.eval;

import org.quantscope.core.data.ExpectedInput;
import org.quantscope.core.onnx.ModelCapabilities;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.TensorSpec;

/** Derives what a model expects of a dataset from its graph input and first output. */
public final class ModelInputs {

    private ModelInputs() {
    }

    /**
     * The sample shape (input shape without the batch dimension, -1 where dynamic) and class count (last dimension of
     * the first output when fixed, else -1) of a model.
     *
     * @param model the model
     * @return what a dataset for it must look like
     * @throws org.quantscope.core.InputException when data cannot be fed to the model (several data inputs, no batch
     *                                            dimension, ...; {@link ModelCapabilities#feedProblem})
     */
    public static ExpectedInput expected(OnnxModel model) {
        ModelCapabilities.requireFeedable(model);
        TensorSpec in = model.inputs().get(0);
        long[] s = in.shape();
        int[] sample = new int[s.length - 1];
        for (int i = 1; i < s.length; i++) {
            sample[i - 1] = (int) s[i];
        }
        int classes = -1;
        long[] out = model.outputs().get(0).shape();
        if (out.length >= 2 && out[out.length - 1] > 0) {
            classes = (int) out[out.length - 1];
        }
        return new ExpectedInput(in.name(), sample, classes);
    }
}
