package org.quantscope.core.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * A quantization "layer": one Conv, Gemm or MatMul with the BatchNormalization and activation that directly follow it
 * (white paper §2.3: BN is folded into the preceding linear layer, the activation is fused with it, so the three are
 * quantized as one unit).
 *
 * @param name           display name (the linear node's name)
 * @param kind           what kind of linear operation it is
 * @param linear         the Conv/Gemm/MatMul node
 * @param batchNorm      the BatchNormalization node folded into it, or {@code null}
 * @param activation     the activation node fused with it, or {@code null}; for HardSwish and SiLU exported as
 *                       {@code x * HardSigmoid(x)} / {@code x * Sigmoid(x)}, the Mul (the gate node is the producer of
 *                       its other input)
 * @param activationKind the kind of that activation
 * @param clipMin        lower clip bound when the activation is a Clip/Relu6 ({@code NaN} when unbounded)
 * @param clipMax        upper clip bound when the activation is a Clip/Relu6 ({@code NaN} when unbounded); for a
 *                       per-channel clip the largest channel bound
 * @param activationBound the Min node that bounds each channel after the Relu of a per-channel clip
 *                       ({@link ActivationKind#CHANNEL_CLIP}), or {@code null}
 * @param channelClipMax the upper bound of each output channel of a per-channel clip, or {@code null}
 * @param weightName     name of the weight initializer (after resolving Identity nodes)
 * @param weightShape    shape of the weight
 * @param biasName       name of the bias initializer, or {@code null}
 * @param groups         convolution groups (1 for Gemm/MatMul)
 * @param parameters     number of weight and bias parameters (BN parameters not counted)
 * @param output         the tensor at the end of the group (after BN and activation)
 */
public record Layer(String name, LayerKind kind, GraphNode linear, GraphNode batchNorm, GraphNode activation,
                    ActivationKind activationKind, double clipMin, double clipMax, GraphNode activationBound,
                    float[] channelClipMax, String weightName, long[] weightShape, String biasName, long groups,
                    long parameters, String output) {

    @Override
    public float[] channelClipMax() {
        return channelClipMax == null ? null : channelClipMax.clone();
    }

    /**
     * The upper clip bound of output channel {@code c}: its own bound for a per-channel clip, else {@link #clipMax()}
     * ({@code NaN} when unbounded).
     */
    public double clipMax(int c) {
        return channelClipMax != null ? channelClipMax[c] : clipMax;
    }

    /**
     * The input of {@link #activationBound()} that holds the per-channel bounds (the one that is not the Relu's
     * output), or -1 without a per-channel clip.
     */
    public int activationBoundInput() {
        if (activationBound == null) {
            return -1;
        }
        return activationBound.input(1).equals(activation.output()) ? 0 : 1;
    }

    /**
     * The output-channel axis of the weight: 0 for Conv and for Gemm with transB=1 ([out, in]); 1 for Gemm with
     * transB=0 ([in, out]); the last axis for MatMul ([..., in, out]).
     */
    public int outputChannelAxis() {
        return outputChannelAxis(kind, linear, weightShape.length);
    }

    static int outputChannelAxis(LayerKind kind, GraphNode linear, int weightRank) {
        return switch (kind) {
            case GEMM -> linear.longAttr("transB", 0) == 1 ? 0 : 1;
            case MATMUL -> weightRank - 1;
            default -> 0;
        };
    }

    @Override
    public long[] weightShape() {
        return weightShape.clone();
    }

    /** The nodes of the group, in execution order (for a gated activation, the Mul without its gate node). */
    public List<GraphNode> nodes() {
        List<GraphNode> n = new ArrayList<>(4);
        n.add(linear);
        if (batchNorm != null) {
            n.add(batchNorm);
        }
        if (activation != null) {
            n.add(activation);
        }
        if (activationBound != null) {
            n.add(activationBound);
        }
        return n;
    }

    /** The weight shape as text, e.g. {@code 32x1x3x3}. */
    public String weightShapeText() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < weightShape.length; i++) {
            b.append(i == 0 ? "" : "x").append(weightShape[i]);
        }
        return b.toString();
    }

    /** A short description of the fused group, e.g. {@code Conv + BN + ReLU6}. */
    public String fusedText() {
        StringBuilder b = new StringBuilder(linear.opType());
        if (batchNorm != null) {
            b.append(" + BN");
        }
        if (activation != null) {
            b.append(" + ").append(activationText());
        }
        return b.toString();
    }

    /**
     * The fused activation's name as shown to the user, e.g. {@code ReLU6}, {@code HardSwish}, {@code SiLU}, or the op
     * type of an {@link ActivationKind#OTHER} activation ({@code Sigmoid}, {@code HardSigmoid}, ...); null when none.
     */
    public String activationText() {
        return activation == null ? null
                : activationKind == ActivationKind.OTHER ? activation.opType() : activationKind.label();
    }
}
