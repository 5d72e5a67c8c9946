package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the quantizer relayout must remove from a graph ONNX Runtime optimized, derived from that graph by the rules of
 * decision 0016 and counted here, independently of {@link NchwcQuantizerRelayout}'s own bookkeeping. ONNX Runtime
 * picks its blocked layout from the CPU (NCHWc blocks of 8 channels with AVX2, 16 with AVX-512F), so which layout
 * copies exist, and how many the relayout can remove, depends on the machine: a test asserts what this class finds
 * in the graph of the machine it runs on, not a number one machine gave.
 *
 * <p>The rules, stated over the optimized graph. A tensor is <em>blocked-available</em> when it is the output of a
 * {@code ReorderOutput}, or of an element-wise node whose parameters are scalar constants (QuantizeLinear,
 * DequantizeLinear, Clip: data input only; Div, Mul, Add, Sub, Round, Relu, ...) and whose other inputs are
 * blocked-available with the same channel count (two of them only for a residual Add, Sub or Mul). Then:
 * <ul>
 *   <li>every {@code ReorderInput} reading a blocked-available tensor goes (its readers take the blocked tensor);</li>
 *   <li>every {@code ReorderOutput} goes whose tensor is read, and read only by such element-wise nodes,
 *       {@code ReorderInput}s and global pools (which run on the blocked tensor);</li>
 *   <li>every other blocked-available tensor read by a node needing the plain layout, or a graph output, costs one
 *       plain copy; if that tensor is an integer QuantizeLinear output, nothing is rewritten at all;</li>
 *   <li>the rewrite applies only if it removes more copies than it adds, and never to a graph with subgraphs
 *       (If/Loop bodies).</li>
 * </ul>
 * The operator lists are written out here again on purpose: the expectation must not move with a change to the
 * rewrite's own lists.
 */
public final class RelayoutExpectation {

    private static final Set<String> ELEMENTWISE = Set.of("QuantizeLinear", "DequantizeLinear", "Clip", "Mul",
            "Div", "Add", "Sub", "Round", "Relu", "Floor", "Ceil", "Neg", "Abs");
    private static final Set<String> DATA_INPUT_ONLY = Set.of("QuantizeLinear", "DequantizeLinear", "Clip");
    private static final Set<String> RESIDUAL = Set.of("Add", "Sub", "Mul");
    private static final Set<String> GLOBAL_POOLS = Set.of("GlobalAveragePool", "GlobalMaxPool");

    private RelayoutExpectation() {
    }

    /**
     * Counts about one optimized graph and what the relayout does to it.
     *
     * @param blockedConvolutions {@code com.microsoft.nchwc} convolutions ONNX Runtime put in the graph (0: no
     *                            blocked layout on this CPU, nothing to relay out)
     * @param layoutCopies        {@code ReorderInput}/{@code ReorderOutput} nodes in the optimized graph
     * @param removable           how many layout copies the rules say the relayout removes (net of plain copies it
     *                            adds), with residual Adds and global pools on the blocked layout
     * @param reportedByRewrite   what {@link NchwcQuantizerRelayout#rewrite} reports for the same rules (0 when it
     *                            declines)
     * @param layoutCopiesAfter   layout copies left in the rewritten graph, counted in it (copies of a global pool's
     *                            [N, C, 1, 1] result not counted); {@code layoutCopies} when it declines
     */
    public record Graph(int blockedConvolutions, int layoutCopies, int removable, int reportedByRewrite,
                        int layoutCopiesAfter) {

        /** One line for assertion messages. */
        public String describe() {
            return blockedConvolutions + " NCHWc convolutions, " + layoutCopies + " layout copies, " + removable
                    + " removable by the rules, rewrite reports " + reportedByRewrite + " and leaves "
                    + layoutCopiesAfter;
        }
    }

    /**
     * The graph ONNX Runtime optimizes {@code model} into on this machine, and what the relayout does to it.
     *
     * @param model    a simulation graph (or any model)
     * @param settings session settings (optimizations are on, as for the relayout)
     * @return the counts
     */
    public static Graph onThisCpu(OnnxModel model, SessionSettings settings) {
        return of(optimized(model, settings));
    }

    /**
     * The graph ONNX Runtime optimizes {@code model} into on an AVX-512F machine (NCHWc blocks of 16 channels), made
     * from this machine's by ONNX Runtime's rules ({@link NchwcBlock16Graph}), and what the relayout does to it.
     *
     * @param model    a simulation graph
     * @param settings session settings
     * @return the counts
     * @throws UnsupportedOperationException when the graph has something that model of ONNX Runtime does not cover
     */
    public static Graph onAvx512(OnnxModel model, SessionSettings settings) {
        OnnxMl.ModelProto block16 = NchwcBlock16Graph.from(optimized(model, settings));
        if (!NchwcBlock16Graph.from(block16).equals(block16)) {
            // what an AVX-512F machine writes must come out unchanged, or the model of ONNX Runtime is inconsistent
            throw new IllegalStateException("the block-16 graph of " + model.path() + " is not a fixed point");
        }
        return of(block16);
    }

    static OnnxMl.ModelProto optimized(OnnxModel model, SessionSettings settings) {
        try {
            return InferenceSession.optimizedGraph(model, settings);
        } catch (java.io.IOException | ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not write the optimized graph", e);
        }
    }

    /** The counts for an optimized graph (as ONNX Runtime wrote it, or one made in its shape). */
    static Graph of(OnnxMl.ModelProto optimized) {
        OnnxMl.GraphProto g = optimized.getGraph();
        int convs = (int) g.getNodeList().stream()
                .filter(n -> n.getOpType().equals("Conv") && n.getDomain().equals(NchwcQuantizerRelayout.NCHWC_DOMAIN))
                .count();
        Optional<NchwcQuantizerRelayout.Result> r = NchwcQuantizerRelayout.rewrite(optimized, true, true);
        int before = layoutCopies(g);
        return new Graph(convs, before, removable(g), r.map(NchwcQuantizerRelayout.Result::reordersRemoved).orElse(0),
                r.map(x -> layoutCopies(x.model().getGraph())).orElse(before));
    }

    /** Reorder nodes, except the copy of a global pool's result (a few floats per sample). */
    static int layoutCopies(OnnxMl.GraphProto g) {
        Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
        g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
        int copies = 0;
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (!n.getDomain().equals(NchwcQuantizerRelayout.NCHWC_DOMAIN) || !n.getOpType().startsWith("Reorder")) {
                continue;
            }
            OnnxMl.NodeProto p = producer.get(n.getInput(0));
            if (!(n.getOpType().equals("ReorderOutput") && p != null && GLOBAL_POOLS.contains(p.getOpType()))) {
                copies++;
            }
        }
        return copies;
    }

    /** The rules of the class comment, applied to {@code g}. */
    static int removable(OnnxMl.GraphProto g) {
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0)) {
                return 0; // subgraphs are not rewritten
            }
        }
        Facts f = new Facts(g);
        int reorderInputs = 0;
        int reorderOutputs = 0;
        int plainCopies = 0;
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (isReorder(n, "ReorderInput") && f.channels(n.getInput(0)) > 0
                    && !f.graphOutputs.contains(n.getOutput(0))) {
                reorderInputs++;
            }
        }
        for (String t : f.blockedAvailable()) {
            OnnxMl.NodeProto p = f.producer.get(t);
            List<OnnxMl.NodeProto> readers = f.readers.getOrDefault(t, List.of());
            boolean plainReader = f.graphOutputs.contains(t) || readers.stream().anyMatch(r -> !f.blockedReader(r));
            if (isReorder(p, "ReorderOutput")) {
                if (!readers.isEmpty() && !plainReader) {
                    reorderOutputs++;
                }
            } else if (plainReader) {
                if (p.getOpType().equals("QuantizeLinear")) {
                    return 0; // an integer tensor cannot be copied to the plain layout
                }
                plainCopies++;
            }
        }
        int net = reorderInputs + reorderOutputs - plainCopies;
        return net > 0 ? net : 0;
    }

    private static boolean isReorder(OnnxMl.NodeProto n, String op) {
        return n != null && n.getOpType().equals(op) && n.getDomain().equals(NchwcQuantizerRelayout.NCHWC_DOMAIN)
                && n.getInputCount() == 1 && n.getOutputCount() == 1
                && n.getAttributeList().stream().noneMatch(a -> a.getName().equals("channels_last") && a.getI() != 0);
    }

    /** Producers, readers, scalar constants, and the channel count of every blocked-available tensor. */
    private static final class Facts {
        final Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
        final Map<String, List<OnnxMl.NodeProto>> readers = new HashMap<>();
        final Set<String> graphOutputs = new HashSet<>();
        final Set<String> scalars = new HashSet<>();
        private final Map<String, Long> memo = new HashMap<>();

        Facts(OnnxMl.GraphProto g) {
            for (OnnxMl.NodeProto n : g.getNodeList()) {
                n.getOutputList().forEach(o -> producer.put(o, n));
                n.getInputList().stream().filter(i -> !i.isEmpty()).distinct()
                        .forEach(i -> readers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
                if (n.getOpType().equals("Constant") && n.getAttributeCount() == 1 && n.getAttribute(0).hasT()
                        && elements(n.getAttribute(0).getT()) == 1) {
                    scalars.add(n.getOutput(0));
                }
            }
            g.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
            Set<String> inputs = new HashSet<>();
            g.getInputList().forEach(v -> inputs.add(v.getName()));
            g.getInitializerList().stream().filter(t -> elements(t) == 1 && !inputs.contains(t.getName()))
                    .forEach(t -> scalars.add(t.getName()));
        }

        /** The channel count of a blocked-available tensor, or -1 (computed back through producers). */
        long channels(String t) {
            Long known = memo.get(t);
            if (known != null) {
                return known;
            }
            memo.put(t, -1L); // no cycles in a valid graph; this guards against looping on a broken one
            long c = -1;
            OnnxMl.NodeProto p = producer.get(t);
            if (isReorder(p, "ReorderOutput")) {
                c = p.getAttributeList().stream().filter(a -> a.getName().equals("channels")).mapToLong(
                        OnnxMl.AttributeProto::getI).findFirst().orElse(-1);
            } else if (p != null && movable(p)) {
                int tensors = 0;
                for (int k = 0; k < p.getInputCount(); k++) {
                    String in = p.getInput(k);
                    if (in.isEmpty() || scalars.contains(in)) {
                        continue;
                    }
                    long ck = channels(in);
                    if (ck <= 0 || (c > 0 && ck != c) || (k > 0 && DATA_INPUT_ONLY.contains(p.getOpType()))) {
                        c = -1;
                        tensors = 0;
                        break;
                    }
                    c = ck;
                    tensors++;
                }
                if (tensors == 0 || (tensors == 2 && !RESIDUAL.contains(p.getOpType())) || tensors > 2) {
                    c = -1;
                }
            }
            memo.put(t, c);
            return c;
        }

        private static boolean movable(OnnxMl.NodeProto p) {
            return (p.getDomain().isEmpty() || p.getDomain().equals("ai.onnx")) && ELEMENTWISE.contains(p.getOpType())
                    && p.getOutputCount() == 1
                    && p.getAttributeList().stream().noneMatch(a -> a.getName().equals("block_size") && a.getI() != 0);
        }

        /** Every blocked-available tensor. */
        List<String> blockedAvailable() {
            return producer.keySet().stream().filter(t -> channels(t) > 0).sorted().toList();
        }

        /** Whether a reader of a blocked-available tensor can take the blocked tensor. */
        boolean blockedReader(OnnxMl.NodeProto r) {
            if (isReorder(r, "ReorderInput")) {
                return !graphOutputs.contains(r.getOutput(0));
            }
            if (GLOBAL_POOLS.contains(r.getOpType()) && r.getDomain().isEmpty() && r.getInputCount() == 1
                    && r.getOutputCount() == 1) {
                return true;
            }
            return r.getOutputCount() == 1 && channels(r.getOutput(0)) > 0;
        }

        private static long elements(OnnxMl.TensorProto t) {
            long n = 1;
            for (long d : t.getDimsList()) {
                n *= d;
            }
            return n;
        }
    }
}
