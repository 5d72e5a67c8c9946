package org.quantscope.core.analysis;

import org.quantscope.core.InputException;

/**
 * Settings of a layer diagnosis.
 *
 * @param samples                how many samples of the data the analyses run on (the first ones)
 * @param batchSize              samples per ONNX Runtime run
 * @param rmseOverScaleThreshold a layer whose isolated RMSE exceeds this many quantizer steps is flagged (default 0.5:
 *                               pure rounding noise is 1/sqrt(12) = 0.289 steps; Chenna et al. suggest float fallback
 *                               for layers above 0.5)
 * @param sqnrThresholdDb        for layers without an output quantizer (no step to divide by): flagged below this SQNR
 * @param sensitivityThreshold   a layer whose quantization alone costs at least this many accuracy points is flagged
 * @param sensitivity            whether to run the per-layer sensitivity (two runs per layer)
 * @param activationCacheBytes   memory for the tensors cached at layer cuts, so that the per-layer runs start at the
 *                               layer instead of the model input ({@link SensitivityCache}); 0 runs every variant
 *                               from the model input (the naive way, same results); capped at an eighth of the
 *                               JVM's maximum heap
 * @param layerSamples           how many of the {@code samples} the per-layer runs (isolated error, sensitivity,
 *                               float gain: two runs per layer) use; 0 chooses by input size
 *                               ({@link #layerSamplesFor}): every sample at 28x28, the first 111 at 224x224x3
 * @param targetDrop             the accuracy drop in points the user accepts: a model within it has no flagged layer,
 *                               and a remedy of the weights (activations) is suggested only where quantizing the
 *                               weights (activations) alone costs more than half of it
 */
public record DiagnoseSettings(int samples, int batchSize, double rmseOverScaleThreshold, double sqnrThresholdDb,
                               double sensitivityThreshold, boolean sensitivity, long activationCacheBytes,
                               int layerSamples, double targetDrop) {

    /** The drop a model may lose by default, in points. */
    public static final double DEFAULT_TARGET_DROP = 1.0;

    /**
     * Input volume the per-layer runs read at most when {@code layerSamples} is 0, in MiB: 64 MiB holds the 1,000
     * samples of a 28x28 test set 20 times over and 111 images at 224x224x3. Each layer costs two runs over these
     * samples, so at ImageNet size the whole test set would make the per-layer part a hundred times the cost of the
     * whole-model comparisons.
     */
    public static final long LAYER_INPUT_MIB = 64;

    /** Default cache size: 512 MiB. */
    public static final long DEFAULT_CACHE_BYTES = 512L << 20;

    /** 1,000 samples, batches of 100, thresholds 0.5 steps / 20 dB / 1 point, sensitivity on, 512 MiB cache. */
    public static final DiagnoseSettings DEFAULT = new DiagnoseSettings(1000, 100, 0.5, 20, 1.0, true,
            DEFAULT_CACHE_BYTES, 0, DEFAULT_TARGET_DROP);

    /** Checks the values. */
    public DiagnoseSettings {
        if (samples < 1) {
            throw new InputException("the diagnosis needs at least 1 sample, got " + samples);
        }
        if (batchSize < 1) {
            throw new InputException("batch size must be at least 1, got " + batchSize);
        }
        if (activationCacheBytes < 0) {
            throw new InputException("the activation cache size must be 0 (off) or positive, got "
                    + activationCacheBytes + " bytes");
        }
        if (layerSamples < 0) {
            throw new InputException("the per-layer runs need at least 1 sample (or 0: chosen by input size), got "
                    + layerSamples);
        }
        if (!(targetDrop >= 0)) {
            throw new InputException("the target drop must be 0 or more points, got " + targetDrop);
        }
    }

    /** Settings whose per-layer runs use a sample count chosen by input size. */
    public DiagnoseSettings(int samples, int batchSize, double rmseOverScaleThreshold, double sqnrThresholdDb,
                            double sensitivityThreshold, boolean sensitivity, long activationCacheBytes) {
        this(samples, batchSize, rmseOverScaleThreshold, sqnrThresholdDb, sensitivityThreshold, sensitivity,
                activationCacheBytes, 0, DEFAULT_TARGET_DROP);
    }

    /**
     * How many samples the per-layer runs use.
     *
     * @param n            samples the whole-model comparisons use
     * @param sampleLength floats per input sample
     * @return between 1 and {@code n}
     */
    public int layerSamplesFor(int n, long sampleLength) {
        int m = layerSamples > 0 ? layerSamples
                : org.quantscope.core.util.EstimateSamples.of(n, sampleLength, LAYER_INPUT_MIB);
        return Math.max(1, Math.min(n, m));
    }

    /** Settings with the default activation cache ({@link #DEFAULT_CACHE_BYTES}). */
    public DiagnoseSettings(int samples, int batchSize, double rmseOverScaleThreshold, double sqnrThresholdDb,
                            double sensitivityThreshold, boolean sensitivity) {
        this(samples, batchSize, rmseOverScaleThreshold, sqnrThresholdDb, sensitivityThreshold, sensitivity,
                DEFAULT_CACHE_BYTES);
    }

    /** A copy with another sample count. */
    public DiagnoseSettings withSamples(int n) {
        return new DiagnoseSettings(n, batchSize, rmseOverScaleThreshold, sqnrThresholdDb, sensitivityThreshold,
                sensitivity, activationCacheBytes, layerSamples, targetDrop);
    }

    /** A copy with sensitivity on or off. */
    public DiagnoseSettings withSensitivity(boolean on) {
        return new DiagnoseSettings(samples, batchSize, rmseOverScaleThreshold, sqnrThresholdDb, sensitivityThreshold,
                on, activationCacheBytes, layerSamples, targetDrop);
    }

    /** A copy with another activation cache size in bytes (0: every run from the model input). */
    public DiagnoseSettings withActivationCache(long bytes) {
        return new DiagnoseSettings(samples, batchSize, rmseOverScaleThreshold, sqnrThresholdDb, sensitivityThreshold,
                sensitivity, bytes, layerSamples, targetDrop);
    }

    /** A copy with another target drop in points. */
    public DiagnoseSettings withTargetDrop(double points) {
        return new DiagnoseSettings(samples, batchSize, rmseOverScaleThreshold, sqnrThresholdDb, sensitivityThreshold,
                sensitivity, activationCacheBytes, layerSamples, points);
    }

    /** A copy whose per-layer runs use {@code m} samples (0: chosen by input size). */
    public DiagnoseSettings withLayerSamples(int m) {
        return new DiagnoseSettings(samples, batchSize, rmseOverScaleThreshold, sqnrThresholdDb, sensitivityThreshold,
                sensitivity, activationCacheBytes, m, targetDrop);
    }
}
