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
 */
public record SessionSettings(int intraOpThreads, boolean optimize, boolean qdqFusion, boolean relayoutQuantizers) {

    /** All cores, full optimization. */
    public static final SessionSettings DEFAULT = new SessionSettings(0, true, true);

    public SessionSettings {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("thread count must be 0 (automatic) or positive, got " + intraOpThreads);
        }
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
        return new SessionSettings(intraOpThreads, optimize, false, relayoutQuantizers);
    }

    /** The same settings with the quantizer relayout on or off. */
    public SessionSettings withRelayout(boolean on) {
        return new SessionSettings(intraOpThreads, optimize, qdqFusion, on);
    }
}
