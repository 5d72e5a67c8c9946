package org.quantscope.core.sim;

import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.WeightTensor;

import java.util.HashSet;
import java.util.Set;

/**
 * Which data tensors cannot be negative, decided from the graph (not from calibration statistics, so an
 * adaptive-sign quantizer's grid does not change with the calibration seed). A tensor is non-negative when its
 * producer is
 * <ul>
 *   <li>an op whose output is never negative: Relu, Sigmoid, HardSigmoid ([0, 1]), Softmax, Softplus, Abs, Exp, or a
 *       Clip with a lower bound &gt;= 0;</li>
 *   <li>a sign-preserving op (pooling, Reshape/Flatten/Transpose/..., Concat, Add, Pad, Resize) whose data inputs are
 *       all non-negative (constant inputs of Add/Concat too);</li>
 *   <li>a Mul or Min whose inputs (data or constant) are all non-negative, a Mul of a tensor with itself, or a Max
 *       with at least one non-negative input.</li>
 * </ul>
 * Not non-negative, although bounded below: HardSwish {@code x * HardSigmoid(x)} (minimum -0.375) and SiLU
 * {@code x * Sigmoid(x)} (minimum about -0.278), both a Mul of a signed tensor and a [0, 1] gate.
 */
final class NonNegativeTensors {

    private static final Set<String> SIGN_PRESERVING = Set.of("MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "Flatten", "Reshape", "Identity", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Add",
            "Resize", "Upsample", "Dropout", "Pad");
    private static final Set<String> NON_NEGATIVE_OPS = Set.of("Relu", "Sigmoid", "Softmax", "Softplus", "Abs",
            "HardSigmoid", "Exp");

    private NonNegativeTensors() {
    }

    /** The non-negative tensors among {@code data}, by propagation in graph order. */
    static Set<String> of(OnnxModel m, Set<String> data) {
        Set<String> nn = new HashSet<>();
        for (GraphNode n : m.nodes()) {
            if (n.outputs().isEmpty() || !data.contains(n.output())) {
                continue;
            }
            String op = n.opType();
            boolean result;
            if (NON_NEGATIVE_OPS.contains(op)) {
                result = true;
            } else if (op.equals("Clip")) {
                result = clipMin(m, n) >= 0 || !n.input(0).isEmpty() && nn.contains(n.input(0));
            } else if (op.equals("Mul") || op.equals("Min")) {
                result = n.inputs().size() == 2 && n.input(0).equals(n.input(1)) && op.equals("Mul")
                        || allInputs(m, n, data, nn);
            } else if (op.equals("Max")) {
                result = anyInput(m, n, data, nn);
            } else if (SIGN_PRESERVING.contains(op)) {
                result = true;
                for (String in : n.inputs()) {
                    if (in.isEmpty()) {
                        continue;
                    }
                    boolean isData = data.contains(in);
                    if (isData && !nn.contains(in)) {
                        result = false;
                    }
                    if (!isData && (op.equals("Add") || op.equals("Concat"))) {
                        result = result && nonNegativeConstant(m, in);
                    }
                }
            } else {
                result = false;
            }
            if (result) {
                nn.add(n.output());
            }
        }
        return nn;
    }

    private static boolean allInputs(OnnxModel m, GraphNode n, Set<String> data, Set<String> nn) {
        for (String in : n.inputs()) {
            if (!in.isEmpty() && !(data.contains(in) ? nn.contains(in) : nonNegativeConstant(m, in))) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyInput(OnnxModel m, GraphNode n, Set<String> data, Set<String> nn) {
        for (String in : n.inputs()) {
            if (!in.isEmpty() && (data.contains(in) ? nn.contains(in) : nonNegativeConstant(m, in))) {
                return true;
            }
        }
        return false;
    }

    private static double clipMin(OnnxModel m, GraphNode clip) {
        double lo = clip.doubleAttr("min", Double.NEGATIVE_INFINITY);
        if (!clip.input(1).isEmpty()) {
            lo = m.constant(clip.input(1)).map(WeightTensor::scalar).orElse(Double.NEGATIVE_INFINITY);
        }
        return lo;
    }

    private static boolean nonNegativeConstant(OnnxModel m, String tensor) {
        WeightTensor t = m.constant(tensor).orElse(null);
        if (t == null || t.floats() == null) {
            return false;
        }
        for (float f : t.floats()) {
            if (!(f >= 0)) {
                return false;
            }
        }
        return true;
    }
}
