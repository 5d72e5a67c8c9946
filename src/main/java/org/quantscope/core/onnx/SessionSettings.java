package org.quantscope.core.onnx;

/**
 * How an ONNX Runtime session is configured.
 *
 * @param intraOpThreads threads ONNX Runtime uses inside one operator; 0 lets ONNX Runtime decide
 * @param optimize       graph optimizations on (true) or none at all (false, which keeps Q/DQ pairs exactly as written)
 * @param qdqFusion      whether ONNX Runtime may replace QuantizeLinear/DequantizeLinear groups by integer kernels
 *                       (QLinearAdd, QLinearConv, ...), as a deployment does. Simulation turns it off: the fused
 *                       integer kernels round intermediate results differently from the fake quantization they
 *                       replace, so the simulated numbers would depend on which patterns ONNX Runtime happens to fuse.
 * @param relayoutQuantizers whether per-tensor quantizers may run on ONNX Runtime's blocked convolution layout
 *                       instead of being wrapped in layout copies ({@link NchwcQuantizerRelayout}); kept only when a
 *                       probe batch gives bit-identical outputs. It costs a second session creation, so it pays off
 *                       for long evaluations, not for short probes.
 * @param concurrentRuns how many runs the caller makes at once on the session (data parallelism, one batch per
 *                       core); 1 for a caller that runs one batch at a time. See {@link #forEvaluation()}.
 */
public record SessionSettings(int intraOpThreads, boolean optimize, boolean qdqFusion, boolean relayoutQuantizers,
                              int concurrentRuns) {

    /**
     * At most this many runs at once from {@link #forEvaluation()}: each holds one run's activations, and beyond a few
     * cores intra-op threads inside each run use the machine as well.
     */
    public static final int MAX_CONCURRENT_RUNS = 8;

    /** All cores, full optimization. */
    public static final SessionSettings DEFAULT = new SessionSettings(0, true, true);

    public SessionSettings {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("thread count must be 0 (automatic) or positive, got " + intraOpThreads);
        }
        if (concurrentRuns < 1) {
            throw new IllegalArgumentException("concurrent runs must be at least 1, got " + concurrentRuns);
        }
    }

    /** Settings for one run at a time. */
    public SessionSettings(int intraOpThreads, boolean optimize, boolean qdqFusion, boolean relayoutQuantizers) {
        this(intraOpThreads, optimize, qdqFusion, relayoutQuantizers, 1);
    }

    /** Settings without the quantizer relayout. */
    public SessionSettings(int intraOpThreads, boolean optimize, boolean qdqFusion) {
        this(intraOpThreads, optimize, qdqFusion, false);
    }

    /** Settings with QDQ fusion allowed (the ONNX Runtime default). */
    public SessionSettings(int intraOpThreads, boolean optimize) {
        this(intraOpThreads, optimize, true);
    }

    /** The same settings for running a fake-quantized simulation graph: QDQ fusion off. */
    public SessionSettings forSimulation() {
        return new SessionSettings(intraOpThreads, optimize, false, relayoutQuantizers, concurrentRuns);
    }

    /** The same settings with the quantizer relayout on or off. */
    public SessionSettings withRelayout(boolean on) {
        return new SessionSettings(intraOpThreads, optimize, qdqFusion, on, concurrentRuns);
    }

    /**
     * The settings for an evaluation over a whole dataset. With the thread count left to ONNX Runtime (0) on a
     * machine with several cores, the evaluation runs one batch per core at once, each run on one thread, instead of
     * one batch at a time spread over all cores. Every sample is computed independently, so the outputs are the same
     * bit for bit; it is faster because several ONNX Runtime kernels run on one thread whatever the setting
     * (DequantizeLinear, for one) and small per-operator work divides poorly across threads. Measured on the demo
     * (docs/benchmarks.md, issue 4). An explicit thread count is kept as it is: a user who asked for one thread gets
     * one.
     */
    public SessionSettings forEvaluation() {
        int cores = Math.min(Runtime.getRuntime().availableProcessors(), MAX_CONCURRENT_RUNS);
        if (intraOpThreads != 0 || cores < 2 || concurrentRuns > 1) {
            return this;
        }
        return new SessionSettings(1, optimize, qdqFusion, relayoutQuantizers, cores);
    }
}
