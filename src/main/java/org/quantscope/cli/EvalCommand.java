package org.quantscope.cli;

import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.report.EvaluationJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code quantscope eval}: FP32 top-1 accuracy, per-class accuracy and confusion matrix. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a model's FP32 accuracy on labelled data with ONNX Runtime.")
final class EvalCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = false, heading = "Data%n")
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "Samples read at a time (default ${DEFAULT-VALUE}); ONNX Runtime runs at most 32 of "
            + "them at once, which is faster and gives the same results.")
    int batch;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Evaluate only the first N samples (0 = all).")
    int limit;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = ThreadOption.DESCRIPTION)
    int threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON.")
    Path json;

    @Mixin
    ClassTableOptions classTable = new ClassTableOptions();

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new org.quantscope.core.InputException("--batch must be at least 1, got " + batch + ".");
        }
        classTable.check();
        PrintWriter out = spec.commandLine().getOut();
        ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), quiet);
        CancellationToken cancel = CliCancellation.onInterrupt();
        OnnxModel model = OnnxModelLoader.load(modelOptions.resolveModel());
        EvaluationResult r;
        DataSpec spec = dataOptions.toSpec(modelOptions.demo, limit);
        try (Dataset data = DatasetLoader.open(spec, ModelInputs.expected(model), progress, cancel);
             InferenceSession session = InferenceSession.open(model, ThreadOption.settings(threads).forEvaluation())) {
            r = Evaluator.evaluate(session, data, new EvaluationSettings(batch, 0), progress, cancel);
            SkippedFilesReport.warn(this.spec.commandLine().getErr(), "data", data);
        }
        r = r.withProvenance(r.provenance().withSettings(dataOptions.provenance(spec, threads, limit)));
        ResultTables.printEvaluation(out, r, classTable);
        if (json != null) {
            EvaluationJson.write(r, json);
            out.println("Wrote " + json);
        }
        return 0;
    }
}
