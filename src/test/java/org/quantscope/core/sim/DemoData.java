package org.quantscope.core.sim;

import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.ExpectedInput;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

/** Opens the bundled demo test set and calibration pool for simulation tests. */
public final class DemoData {

    private DemoData() {
    }

    public static Dataset test(OnnxModel model) {
        DemoAssets a = DemoAssets.locate();
        return open(model, new DataSpec(a.testImages(), a.testLabels(), a.datasetDescription(), null, null, 0));
    }

    public static Dataset calibrationPool(OnnxModel model) {
        DemoAssets a = DemoAssets.locate();
        return open(model, new DataSpec(a.calibImages(), a.calibLabels(), a.datasetDescription(), null, null, 0));
    }

    private static Dataset open(OnnxModel model, DataSpec spec) {
        ExpectedInput expected = ModelInputs.expected(model);
        return DatasetLoader.open(spec, expected, false, ProgressListener.NONE, CancellationToken.none());
    }
}
