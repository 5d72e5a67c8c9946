package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph ONNX Runtime writes on an AVX-512F machine, made from the one it wrote on this machine. MLAS chooses the
 * NCHWc block size at run time ({@code MlasNchwcGetBlockSize}: 8 with AVX2, 16 with AVX-512F), and ONNX Runtime's
 * NCHWc transformer ({@code onnxruntime/core/optimizer/nchwc_transformer.cc}, {@code TransformConv} and
 * {@code TransformPool}) decides from it which nodes take the blocked layout:
 * <ul>
 *   <li>a convolution with group 1 whose input has fewer channels than the block reads the plain tensor directly
 *       (no {@code ReorderInput}; filter in OIHWBo order, {@code [pad(Cout), Cin, kh, kw]}); otherwise it reads it
 *       through a {@code ReorderInput} (filter OIHWBiBo, {@code [pad(Cout), pad(Cin), kh, kw]});</li>
 *   <li>a depthwise convolution needs a channel count that is a multiple of the block;</li>
 *   <li>MaxPool and AveragePool need a channel count that is a multiple of the block, else they stay plain;</li>
 *   <li>biases are padded to the block like the filter's output channels.</li>
 * </ul>
 * With 8-channel blocks the 8- and 12-channel layers of the generality models take the blocked layout; with 16 they
 * do not, which is why the graphs (and the layout copies the relayout can remove) differ between the two machines.
 *
 * <p>This is a model of ONNX Runtime for tests that cannot run on an AVX-512 machine: it is checked against what an
 * AVX-512 machine reported (issue 13), covers exactly the cases in the suite's models, and refuses any graph with
 * something it does not cover (a plain convolution that 16-channel blocks might have taken, a grouped convolution or
 * pool that would leave the blocked layout between two blocked nodes, other NCHWc operators) instead of guessing.
 * Filter and bias values are zeros of the right shape: the relayout reads no values, and the graph cannot run on an
 * AVX2 machine anyway (its block-16 kernels would compute with 8-channel blocks). Applied to a graph that already has
 * 16-channel blocks (written on an AVX-512F machine) it changes only those values: its own result comes out
 * unchanged, which {@link RelayoutExpectation#onAvx512} checks.
 */
final class NchwcBlock16Graph {

    static final int BLOCK = 16;

    private NchwcBlock16Graph() {
    }

    /**
     * The block-16 form of an optimized graph.
     *
     * @param optimized the graph ONNX Runtime optimized on this machine (blocks of 8 or 16)
     * @return the graph as ONNX Runtime writes it with 16-channel blocks
     * @throws UnsupportedOperationException when the graph has something this model of ONNX Runtime does not cover
     */
    static OnnxMl.ModelProto from(OnnxMl.ModelProto optimized) {
        OnnxMl.GraphProto g = optimized.getGraph();
        Map<String, Long> channels = plainChannels(g);
        Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
        Map<String, Integer> readers = new HashMap<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            n.getOutputList().forEach(o -> producer.put(o, n));
            n.getInputList().forEach(i -> readers.merge(i, 1, Integer::sum));
        }
        Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
        g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));

        Set<OnnxMl.NodeProto> dropped = new HashSet<>();
        Map<String, OnnxMl.NodeProto> replaced = new HashMap<>(); // by output name
        List<OnnxMl.TensorProto> newInitializers = new ArrayList<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            boolean nchwc = n.getDomain().equals(NchwcQuantizerRelayout.NCHWC_DOMAIN);
            if (!nchwc) {
                if (n.getOpType().equals("Conv")) {
                    throw new UnsupportedOperationException("plain convolution " + n.getName() + ": 16-channel "
                            + "blocks might take it; not modelled");
                }
                continue;
            }
            OnnxMl.NodeProto reorder = producer.get(n.getInput(0));
            boolean reordered = reorder != null && reorder.getOpType().equals("ReorderInput");
            boolean readsBlocked = reorder != null && reorder.getDomain().equals(NchwcQuantizerRelayout.NCHWC_DOMAIN)
                    && !reordered;
            switch (n.getOpType()) {
                case "ReorderInput", "ReorderOutput" -> {
                }
                case "Conv" -> {
                    OnnxMl.NodeProto.Builder b = n.toBuilder();
                    OnnxMl.TensorProto w = initializers.get(n.getInput(1));
                    long group = attr(n, "group", 1);
                    long cin;
                    if (group > 1) {
                        if (group % BLOCK != 0 || w.getDims(1) != 1) {
                            throw new UnsupportedOperationException(n.getName() + ": grouped convolution of " + group
                                    + " channels leaves 16-channel blocks; not modelled");
                        }
                        cin = w.getDims(1);
                    } else if (reordered) {
                        cin = channels.getOrDefault(reorder.getInput(0), -1L);
                        if (cin <= 0) {
                            throw new UnsupportedOperationException(n.getName() + ": input channels unknown");
                        }
                        if (cin < BLOCK) { // reads the plain tensor directly
                            b.setInput(0, reorder.getInput(0));
                            if (readers.merge(reorder.getOutput(0), -1, Integer::sum) == 0) {
                                dropped.add(reorder);
                            }
                        }
                    } else if (readsBlocked && w.getDims(1) > BLOCK) {
                        cin = w.getDims(1); // more than 16 channels, padded to 8: also read blocked with 16
                    } else if (!readsBlocked) {
                        cin = w.getDims(1); // fewer than 8 channels, read plain with either block size
                    } else {
                        throw new UnsupportedOperationException(n.getName() + ": reads a blocked tensor of at most "
                                + "16 channels; not modelled");
                    }
                    boolean plainInput = !reordered && !readsBlocked || reordered && cin < BLOCK;
                    long[] dims = {pad(w.getDims(0)), plainInput || group > 1 ? cin : pad(cin), w.getDims(2),
                        w.getDims(3)};
                    b.setInput(1, zeros(n.getName() + "_W16", dims, newInitializers));
                    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                        b.setInput(2, zeros(n.getName() + "_B16", new long[] {pad(initializers.get(n.getInput(2))
                                .getDims(0))}, newInitializers));
                    }
                    replaced.put(n.getOutput(0), b.build());
                }
                case "MaxPool", "AveragePool" -> {
                    long c = reordered ? channels.getOrDefault(reorder.getInput(0), -1L) : -1;
                    if (c <= 0) {
                        throw new UnsupportedOperationException(n.getName() + ": pool not fed by a ReorderInput");
                    }
                    if (c % BLOCK != 0) { // stays plain: reads the plain tensor, writes the plain result
                        OnnxMl.NodeProto out = onlyReader(g, n.getOutput(0));
                        if (out == null || !out.getOpType().equals("ReorderOutput")) {
                            throw new UnsupportedOperationException(n.getName() + ": result stays blocked");
                        }
                        replaced.put(n.getOutput(0), n.toBuilder().setDomain("").setInput(0, reorder.getInput(0))
                                .setOutput(0, out.getOutput(0)).build());
                        dropped.add(out);
                        if (readers.merge(reorder.getOutput(0), -1, Integer::sum) == 0) {
                            dropped.add(reorder);
                        }
                    }
                }
                default -> throw new UnsupportedOperationException("NCHWc " + n.getOpType() + " " + n.getName()
                        + ": not modelled");
            }
        }
        OnnxMl.GraphProto.Builder out = g.toBuilder().clearNode().clearInitializer();
        Set<String> used = new HashSet<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            if (!dropped.contains(n)) {
                OnnxMl.NodeProto kept = n.getOutputCount() > 0 ? replaced.getOrDefault(n.getOutput(0), n) : n;
                out.addNode(kept);
                used.addAll(kept.getInputList());
            }
        }
        Set<String> made = new HashSet<>();
        newInitializers.forEach(t -> made.add(t.getName()));
        g.getInitializerList().stream().filter(t -> used.contains(t.getName()) && !made.contains(t.getName()))
                .forEach(out::addInitializer);
        return optimized.toBuilder().setGraph(out.addAllInitializer(newInitializers)).build();
    }

    /**
     * Channel counts of plain (NCHW) tensors, carried forward from the graph input, {@code ReorderOutput}s (their
     * {@code channels}), plain convolutions and channel Concats through nodes that keep the channel count.
     */
    static Map<String, Long> plainChannels(OnnxMl.GraphProto g) {
        Set<String> keep = Set.of("QuantizeLinear", "DequantizeLinear", "Clip", "Relu", "Mul", "Div", "Add", "Sub",
                "Round", "MaxPool", "AveragePool", "GlobalAveragePool", "Identity", "Pad");
        Map<String, Long> c = new HashMap<>();
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            OnnxMl.TensorShapeProto s = v.getType().getTensorType().getShape();
            if (s.getDimCount() == 4 && s.getDim(1).hasDimValue()) {
                c.put(v.getName(), s.getDim(1).getDimValue());
            }
        }
        Map<String, OnnxMl.TensorProto> initializers = new HashMap<>();
        g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            boolean nchwc = n.getDomain().equals(NchwcQuantizerRelayout.NCHWC_DOMAIN);
            if (nchwc && n.getOpType().equals("ReorderOutput")) {
                c.put(n.getOutput(0), attr(n, "channels", -1));
            } else if (!nchwc && n.getOpType().equals("Conv") && initializers.containsKey(n.getInput(1))) {
                c.put(n.getOutput(0), initializers.get(n.getInput(1)).getDims(0));
            } else if (!nchwc && n.getOpType().equals("Concat") && attr(n, "axis", 0) == 1
                    && n.getInputList().stream().allMatch(c::containsKey)) {
                c.put(n.getOutput(0), n.getInputList().stream().mapToLong(c::get).sum());
            } else if (!nchwc && keep.contains(n.getOpType()) && c.containsKey(n.getInput(0))) {
                c.put(n.getOutput(0), c.get(n.getInput(0)));
            }
        }
        return c;
    }

    private static long pad(long channels) {
        return (channels + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static OnnxMl.NodeProto onlyReader(OnnxMl.GraphProto g, String tensor) {
        List<OnnxMl.NodeProto> r = g.getNodeList().stream().filter(n -> n.getInputList().contains(tensor)).toList();
        return r.size() == 1 ? r.get(0) : null;
    }

    private static long attr(OnnxMl.NodeProto n, String name, long otherwise) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).mapToLong(
                OnnxMl.AttributeProto::getI).findFirst().orElse(otherwise);
    }

    private static String zeros(String name, long[] dims, List<OnnxMl.TensorProto> into) {
        long n = 1;
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(1);
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        into.add(t.setRawData(ByteString.copyFrom(new byte[Math.toIntExact(4 * n)])).build());
        return name;
    }
}
