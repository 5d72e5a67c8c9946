package org.quantscope.core.onnx;

/**
 * Where a layer's bias enters the graph: input 2 of a Conv or Gemm, or the constant input of the Add that follows a
 * MatMul ({@code nn.Linear} on a rank &gt; 2 input exports as MatMul + Add). Rewrites that change a bias replace that
 * input.
 *
 * @param node  the node reading the bias
 * @param input the input index of the bias on that node
 */
public record BiasInput(String node, int input) {

    /**
     * The bias input of a layer.
     *
     * @param model the model the layer belongs to
     * @param layer the layer (with a bias)
     * @return where its bias is read
     */
    public static BiasInput of(OnnxModel model, Layer layer) {
        if (layer.kind() == LayerKind.MATMUL && layer.biasName() != null) {
            for (GraphNode c : model.consumersOf(layer.linear().output())) {
                if (c.opType().equals("Add")) {
                    for (int i = 0; i < c.inputs().size(); i++) {
                        if (model.resolveIdentity(c.input(i)).equals(layer.biasName())) {
                            return new BiasInput(c.name(), i);
                        }
                    }
                }
            }
        }
        return new BiasInput(layer.linear().name(), 2);
    }
}
