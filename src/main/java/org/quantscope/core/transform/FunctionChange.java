package org.quantscope.core.transform;

import org.quantscope.core.analysis.ComparisonResult;
import org.quantscope.core.analysis.ModelComparison;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.EstimateSamples;
import org.quantscope.core.util.ProgressListener;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How much a fix changed the FP32 function: the FP32 graph before and after the fix run on the same samples, their
 * logits compared. Cross-layer equalization and bias absorption are meant to keep the function (eq. 13-19, 23-24);
 * replacing ReLU6 by ReLU, or absorbing where the ReLU does not always pass the absorbed part, does not.
 *
 * @param fix                  which fix ({@code cle}, {@code biasAbsorption})
 * @param samples              samples compared (the first ones of the test data)
 * @param maxAbsLogitDiff      largest |after - before| over every logit
 * @param maxRelativeLogitDiff that, relative to the largest |logit| before the fix
 * @param predictionAgreement  share of samples whose top-1 class is the same before and after
 * @param accuracyBefore       top-1 accuracy before the fix, on these samples
 * @param accuracyAfter        top-1 accuracy after the fix, on these samples
 */
public record FunctionChange(String fix, int samples, double maxAbsLogitDiff, double maxRelativeLogitDiff,
                             double predictionAgreement, double accuracyBefore, double accuracyAfter) {

    /**
     * Relative logit difference up to which the function counts as unchanged: float32 rounding of the rewrite, which
     * grows with depth (1e-7 on the 28x28 demo, 2.5e-5 after equalizing the 53 layers of ResNet-50); a rewrite that
     * changes the function (ReLU6 replaced by ReLU where the clip is active) moves the logits by 1e-2 and more.
     */
    public static final double UNCHANGED = 1e-4;
    /** Samples compared by default. */
    public static final int SAMPLES = 1000;

    /** Whether the function changed by more than float rounding ({@link #UNCHANGED}, relative). */
    public boolean changed() {
        return maxRelativeLogitDiff > UNCHANGED;
    }

    /**
     * One plain sentence, e.g. {@code cle: FP32 function unchanged (max |Δlogit| 2.4e-06, 1.1e-07 of the largest
     * logit, 1,000 samples)}.
     *
     * @return the description
     */
    public String describe() {
        if (!changed()) {
            return String.format(Locale.ROOT, "%s: FP32 function unchanged (max |Δlogit| %.2g, %.2g of the largest "
                    + "logit, %,d samples)", fix, maxAbsLogitDiff, maxRelativeLogitDiff, samples);
        }
        return String.format(Locale.ROOT, "%s: FP32 function CHANGED: max |Δlogit| %.3g (%.3g of the largest logit), "
                + "top-1 the same on %.2f %% of %,d samples, accuracy %.2f %% -> %.2f %%", fix, maxAbsLogitDiff,
                maxRelativeLogitDiff, 100 * predictionAgreement, samples, 100 * accuracyBefore, 100 * accuracyAfter);
    }

    /**
     * Measures.
     *
     * @param fix       the fix's name
     * @param before    the FP32 graph before the fix
     * @param after     the FP32 graph after it
     * @param data      labelled samples (the first {@code samples} are used)
     * @param samples   how many samples; fewer for large inputs ({@link EstimateSamples})
     * @param batchSize samples per run
     * @param session   ONNX Runtime settings
     * @param progress  progress
     * @param cancel    cancellation
     * @return the change
     */
    public static FunctionChange measure(String fix, OnnxModel before, OnnxModel after, Dataset data, int samples,
                                         int batchSize, SessionSettings session, ProgressListener progress,
                                         CancellationToken cancel) {
        ComparisonResult c = ModelComparison.compare(before, after, List.of(), Map.of(), data,
                EstimateSamples.of(samples, data.sampleLength()), batchSize,
                session, progress, cancel);
        return new FunctionChange(fix, c.samples(), c.maxAbsLogitDiff(), c.maxRelativeLogitDiff(),
                c.predictionAgreement(), c.fp32Accuracy(), c.accuracy());
    }
}
