package org.quantscope.core.onnx;

/**
 * How an ONNX Runtime session is configured.
 *
 * @param intraOpThreads threads ONNX Runtime uses inside one operator; 0 lets ONNX Runtime decide
 * @param optimize       graph optimizations on (true) or none at all (false, which keeps Q/DQ pairs exactly as written)
 */
public record SessionSettings(int intraOpThreads, boolean optimize) {

    /** All cores, full optimization. */
    public static final SessionSettings DEFAULT = new SessionSettings(0, true);

    public SessionSettings {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("thread count must be 0 (automatic) or positive, got " + intraOpThreads);
        }
    }
}
