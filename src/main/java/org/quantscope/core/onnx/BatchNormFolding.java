package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Folds every BatchNormalization that directly follows a Conv or Gemm layer into that layer's weight and bias
 * (white paper §2.3.1, eq. 10-12): with {@code s_c = gamma_c / sqrt(var_c + eps)},
 * {@code W'_c = s_c W_c} and {@code b'_c = s_c (b_c - mu_c) + beta_c}, per output channel {@code c}, using the
 * node's own {@code epsilon}. A channel whose running variance is ~0 is folded exactly like any other (its weights
 * grow by {@code gamma / sqrt(eps)}), never skipped.
 *
 * <p>Folded weights get new initializer names ({@code <weight>_bnfold}), so a weight shared by several layers (through
 * Identity nodes or directly) keeps its original value for the others. The BatchNormalization node is removed and
 * its output name is given to the linear node, so the rest of the graph is untouched. Layers whose BN cannot be folded
 * (a MatMul, whose output channels are not a bias-carrying axis) keep their BN and are listed in the result's
 * warnings.
 */
public final class BatchNormFolding {

    private BatchNormFolding() {
    }

    /**
     * Returns a copy of the model with foldable BatchNormalization nodes folded.
     *
     * @param model the model
     * @return the folded model (same path and SHA-256: it describes the same file, transformed)
     */
    public static OnnxModel fold(OnnxModel model) {
        OnnxMl.GraphProto.Builder g = model.proto().getGraph().toBuilder();
        Set<String> removeNodes = new HashSet<>();
        List<String> warnings = new ArrayList<>();
        for (Layer l : model.layers()) {
            GraphNode bn = l.batchNorm();
            if (bn == null) {
                continue;
            }
            if (l.kind() == LayerKind.MATMUL) {
                warnings.add("BatchNormalization " + bn.name() + " after MatMul " + l.name() + " is kept unfolded.");
                continue;
            }
            foldOne(model, g, l, bn);
            removeNodes.add(bn.name());
        }
        List<OnnxMl.NodeProto> kept = new ArrayList<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            String name = n.getName().isEmpty() ? n.getOpType() + "_" + i : n.getName();
            if (!removeNodes.contains(name)) {
                kept.add(n);
            }
        }
        g.clearNode().addAllNode(kept);
        GraphEdits.pruneUnusedInitializers(g);
        OnnxMl.ModelProto folded = model.proto().toBuilder().setGraph(g).build();
        OnnxModel result = OnnxModel.derived(model, folded);
        warnings.forEach(result::addWarning);
        return result;
    }

    private static void foldOne(OnnxModel model, OnnxMl.GraphProto.Builder g, Layer l, GraphNode bn) {
        float[] gamma = model.constant(bn.input(1)).orElseThrow(() -> missing(model, bn, "scale")).floats();
        float[] beta = model.constant(bn.input(2)).orElseThrow(() -> missing(model, bn, "B")).floats();
        float[] mean = model.constant(bn.input(3)).orElseThrow(() -> missing(model, bn, "input_mean")).floats();
        float[] var = model.constant(bn.input(4)).orElseThrow(() -> missing(model, bn, "input_var")).floats();
        double eps = bn.doubleAttr("epsilon", 1e-5);
        WeightTensor w = model.constants().get(l.weightName());
        long[] dims = w.dims();
        boolean outputOnAxis1 = l.kind() == LayerKind.GEMM && l.linear().longAttr("transB", 0) == 0;
        int channels = (int) (outputOnAxis1 ? dims[1] : dims[0]);
        if (gamma.length != channels) {
            throw new org.quantscope.core.InputException(model.path() + ": BatchNormalization " + bn.name() + " has "
                    + gamma.length + " channels but " + l.name() + " produces " + channels + "; cannot fold it.");
        }
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = gamma[c] / Math.sqrt(var[c] + eps);
        }
        float[] wf = w.floats().clone();
        if (outputOnAxis1) {
            for (int i = 0; i < wf.length; i++) {
                wf[i] = (float) (wf[i] * s[i % channels]);
            }
        } else {
            int per = wf.length / channels;
            for (int i = 0; i < wf.length; i++) {
                wf[i] = (float) (wf[i] * s[i / per]);
            }
        }
        float[] b = l.biasName() == null ? new float[channels] : model.constants().get(l.biasName()).floats();
        // Gemm computes alpha*A*B + beta*C: the folded bias C' must satisfy beta*C' = s*(beta*C - mu) + bnBeta
        double gemmBeta = l.kind() == LayerKind.GEMM ? l.linear().doubleAttr("beta", 1.0) : 1.0;
        float[] bf = new float[channels];
        for (int c = 0; c < channels; c++) {
            bf[c] = (float) ((s[c] * (gemmBeta * b[c] - mean[c]) + beta[c]) / gemmBeta);
        }
        String wName = unique(g, l.weightName() + "_bnfold");
        String bName = unique(g, (l.biasName() == null ? l.weightName() + "_bias" : l.biasName()) + "_bnfold");
        g.addInitializer(GraphEdits.floatTensor(wName, dims, wf));
        g.addInitializer(GraphEdits.floatTensor(bName, new long[] {channels}, bf));
        for (int i = 0; i < g.getNodeCount(); i++) {
            OnnxMl.NodeProto n = g.getNode(i);
            String name = n.getName().isEmpty() ? n.getOpType() + "_" + i : n.getName();
            if (name.equals(l.linear().name())) {
                OnnxMl.NodeProto.Builder nb = n.toBuilder().setInput(1, wName);
                if (nb.getInputCount() > 2) {
                    nb.setInput(2, bName);
                } else {
                    nb.addInput(bName);
                }
                nb.setOutput(0, bn.output());
                g.setNode(i, nb);
            }
        }
        removeIdentityBetween(g, l, bn);
    }

    /** An Identity between the linear node and its BN (rare) would now read a tensor nobody produces: drop it. */
    private static void removeIdentityBetween(OnnxMl.GraphProto.Builder g, Layer l, GraphNode bn) {
        if (bn.input(0).equals(l.linear().output())) {
            return;
        }
        throw new org.quantscope.core.InputException("BatchNormalization " + bn.name() + " reaches " + l.name()
                + " through pass-through nodes; folding such a chain is not supported yet.");
    }

    private static RuntimeException missing(OnnxModel model, GraphNode bn, String what) {
        return new org.quantscope.core.InputException(model.path() + ": BatchNormalization " + bn.name() + " has no "
                + "constant '" + what + "' input, so it cannot be folded (is the model exported in eval mode?).");
    }

    private static String unique(OnnxMl.GraphProto.Builder g, String base) {
        Set<String> names = new HashSet<>();
        g.getInitializerList().forEach(t -> names.add(t.getName()));
        g.getNodeList().forEach(n -> names.addAll(n.getOutputList()));
        return GraphEdits.unique(names, base);
    }
}
