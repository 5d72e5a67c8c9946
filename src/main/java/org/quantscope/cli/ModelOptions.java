package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.demo.DemoAssets;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The model to analyse: {@code --model FILE}, or {@code --demo} for the bundled demo model and data. */
final class ModelOptions {

    @Option(names = "--model", paramLabel = "MODEL", description = "ONNX model file (.onnx).")
    Path model;

    @Option(names = "--demo", description = "Use the bundled demo model and Fashion-MNIST data.")
    boolean demo;

    /** The model path; the demo model when {@code --demo} was given. */
    Path resolveModel() {
        if (model != null) {
            return model;
        }
        if (demo) {
            return DemoAssets.locate().model();
        }
        throw new InputException("No model given: pass --model FILE.onnx, or --demo for the bundled demo model.");
    }
}
