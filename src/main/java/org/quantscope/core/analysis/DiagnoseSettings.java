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
 *                               from the model input (the naive way, same results); capped at a quarter of the
 *                               JVM's maximum heap
 */
public record DiagnoseSettings(int samples, int batchSize, double rmseOverScaleThreshold, double sqnrThresholdDb,
                               double sensitivityThreshold, boolean sensitivity, long activationCacheBytes) {

    /** Default cache size: 512 MiB. */
    public static final long DEFAULT_CACHE_BYTES = 512L << 20;

    /** 1,000 samples, batches of 100, thresholds 0.5 steps / 20 dB / 1 point, sensitivity on, 512 MiB cache. */
    public static final DiagnoseSettings DEFAULT = new DiagnoseSettings(1000, 100, 0.5, 20, 1.0, true,
            DEFAULT_CACHE_BYTES);

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
                sensitivity, activationCacheBytes);
    }

    /** A copy with sensitivity on or off. */
    public DiagnoseSettings withSensitivity(boolean on) {
        return new DiagnoseSettings(samples, batchSize, rmseOverScaleThreshold, sqnrThresholdDb, sensitivityThreshold,
                on, activationCacheBytes);
    }

    /** A copy with another activation cache size in bytes (0: every run from the model input). */
    public DiagnoseSettings withActivationCache(long bytes) {
        return new DiagnoseSettings(samples, batchSize, rmseOverScaleThreshold, sqnrThresholdDb, sensitivityThreshold,
                sensitivity, bytes);
    }
}
