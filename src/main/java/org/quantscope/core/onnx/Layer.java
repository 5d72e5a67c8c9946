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
 * @param activation     the activation node fused with it, or {@code null}
 * @param activationKind the kind of that activation
 * @param clipMin        lower clip bound when the activation is a Clip/Relu6 ({@code NaN} when unbounded)
 * @param clipMax        upper clip bound when the activation is a Clip/Relu6 ({@code NaN} when unbounded)
 * @param weightName     name of the weight initializer (after resolving Identity nodes)
 * @param weightShape    shape of the weight
 * @param biasName       name of the bias initializer, or {@code null}
 * @param groups         convolution groups (1 for Gemm/MatMul)
 * @param parameters     number of weight and bias parameters (BN parameters not counted)
 * @param output         the tensor at the end of the group (after BN and activation)
 */
public record Layer(String name, LayerKind kind, GraphNode linear, GraphNode batchNorm, GraphNode activation,
                    ActivationKind activationKind, double clipMin, double clipMax, String weightName,
                    long[] weightShape, String biasName, long groups, long parameters, String output) {

    @Override
    public long[] weightShape() {
        return weightShape.clone();
    }

    /** The nodes of the group, in execution order. */
    public List<GraphNode> nodes() {
        List<GraphNode> n = new ArrayList<>(3);
        n.add(linear);
        if (batchNorm != null) {
            n.add(batchNorm);
        }
        if (activation != null) {
            n.add(activation);
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
            b.append(" + ").append(activationKind.label());
        }
        return b.toString();
    }
}
