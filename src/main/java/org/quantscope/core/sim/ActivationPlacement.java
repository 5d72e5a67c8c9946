package org.quantscope.core.sim;

/**
 * Which activation tensors get a quantizer: the graph implementations of MQBench §4 (Fig. 4).
 */
public enum ActivationPlacement {
    /**
     * Default (MQBench graph 3, as FBGEMM, TVM and SNPE deploy and as the issue specifies): every model input, the
     * output of each layer group (Conv/Gemm/MatMul + BN + activation, after the activation), Add and Concat outputs,
     * MaxPool/AveragePool/GlobalAveragePool outputs and every model output.
     */
    NETWORK,
    /**
     * TensorRT (MQBench graph 2): as {@link #NETWORK}, but an elementwise Add is fused into the bias addition of one
     * of the convolutions feeding it, so that convolution's output (when the Add is its only consumer) is not
     * quantized; the other Add input and the Add output are.
     */
    TENSORRT,
    /**
     * Academic and ACL (MQBench graph 1): only the inputs of Conv/Gemm/MatMul layers are quantized; Add, pooling and
     * model outputs run in float.
     */
    LAYER_INPUTS
}
