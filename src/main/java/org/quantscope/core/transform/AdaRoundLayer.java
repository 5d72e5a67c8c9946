package org.quantscope.core.transform;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.BiasInput;
import org.quantscope.core.onnx.CaptureBatch;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.LayerKind;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.onnx.WeightTensor;
import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.ScaleConvention;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.MemoryBudget;

import java.util.List;
import java.util.Random;

/**
 * One layer as an AdaRound problem: how its weight maps onto the batched matrix product of
 * {@link AdaRoundObjective}, and the rows (output positions) captured from calibration data.
 *
 * <p>Convolutions (1-D and 2-D, any padding, stride, dilation and group count) become im2col patches; Gemm
 * ({@code transA = 0}, either {@code transB}, alpha and beta) and MatMul with a 2-D constant weight become rows of
 * their input. For each calibration sample a fixed number of output positions is drawn at random (all positions when
 * they fit), so every sample contributes and the rows stay within {@link AdaRoundSettings#maxRows} and
 * {@link AdaRoundSettings#MAX_LAYER_BYTES}.
 */
final class AdaRoundLayer {

    final Layer layer;
    final int groups;
    final int outs;
    final int ins;
    /** Flat index into the weight tensor of matrix element {@code (g, o, k)}, in the order of the objective. */
    final int[] flatIndex;
    /** Quotient W/s per matrix element, computed as the fake quantizer does (divide, or multiply by 1/s). */
    final float[] quotient;
    final double[] scale;
    final int[] zero;
    final int qmin;
    final int qmax;
    private final double[] bias;
    private final double alpha;
    private final AdaRoundObjective.Activation activation;
    private final String preActivation;
    // convolution geometry (kernel dims are 1 for dense layers and 1-D convolutions)
    private final boolean conv;
    private final int cinPerGroup;
    private final int kh;
    private final int kw;

    private AdaRoundLayer(Layer layer, int groups, int outs, int ins, int[] flatIndex, float[] quotient,
                          double[] scale, int[] zero, int qmin, int qmax, double[] bias, double alpha,
                          AdaRoundObjective.Activation activation, String preActivation, boolean conv,
                          int cinPerGroup, int kh, int kw) {
        this.layer = layer;
        this.groups = groups;
        this.outs = outs;
        this.ins = ins;
        this.flatIndex = flatIndex;
        this.quotient = quotient;
        this.scale = scale;
        this.zero = zero;
        this.qmin = qmin;
        this.qmax = qmax;
        this.bias = bias;
        this.alpha = alpha;
        this.activation = activation;
        this.preActivation = preActivation;
        this.conv = conv;
        this.cinPerGroup = cinPerGroup;
        this.kh = kh;
        this.kw = kw;
    }

    /** Thrown with the reason a layer cannot be optimized (it then keeps round-to-nearest). */
    static final class Unsupported extends Exception {
        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * Describes a layer of {@code prepared} whose weight is quantized with {@code encoding}.
     *
     * @throws Unsupported when the layer's form is not one AdaRound handles here
     */
    static AdaRoundLayer of(OnnxModel prepared, Layer l, Encoding encoding) throws Unsupported {
        GraphNode n = l.linear();
        WeightTensor w = prepared.constant(l.weightName()).orElseThrow(() -> new Unsupported("weight is not a constant"));
        if (!prepared.resolveIdentity(n.input(1)).equals(l.weightName())) {
            throw new Unsupported("the weight is not the second input of " + n.opType());
        }
        long[] d = w.dims();
        int total = w.floats().length;
        int groups;
        int outs;
        int ins;
        int[] flat = new int[total];
        boolean conv = l.kind() != LayerKind.GEMM && l.kind() != LayerKind.MATMUL;
        int cinG = 0;
        int kh = 1;
        int kw = 1;
        double alpha = 1;
        double beta = 1;
        if (conv) {
            if (d.length != 3 && d.length != 4) {
                throw new Unsupported(d.length - 2 + "-D convolution (1-D and 2-D are supported)");
            }
            groups = (int) l.groups();
            outs = (int) (d[0] / groups);
            cinG = (int) d[1];
            kh = d.length == 4 ? (int) d[2] : 1;
            kw = (int) d[d.length - 1];
            ins = cinG * kh * kw;
            for (int i = 0; i < total; i++) {
                flat[i] = i; // [Cout, Cin/g, kh, kw] is already [g][m][k]
            }
        } else {
            if (d.length != 2) {
                throw new Unsupported("weight of rank " + d.length + " (2 is supported)");
            }
            boolean rowsOut = l.kind() == LayerKind.GEMM && n.longAttr("transB", 0) == 1;
            if (l.kind() == LayerKind.GEMM) {
                if (n.longAttr("transA", 0) != 0) {
                    throw new Unsupported("Gemm with transA = 1");
                }
                alpha = n.doubleAttr("alpha", 1.0);
                beta = n.doubleAttr("beta", 1.0);
            }
            groups = 1;
            outs = (int) (rowsOut ? d[0] : d[1]);
            ins = (int) (rowsOut ? d[1] : d[0]);
            for (int o = 0; o < outs; o++) {
                for (int k = 0; k < ins; k++) {
                    flat[o * ins + k] = rowsOut ? o * ins + k : k * outs + o;
                }
            }
        }
        int inner = 1;
        if (encoding.channels() > 1) {
            for (int a = encoding.axis() + 1; a < d.length; a++) {
                inner *= (int) d[a];
            }
        }
        boolean multiply = encoding.spec().convention() == ScaleConvention.PYTORCH;
        float[] q = new float[total];
        double[] s = new double[total];
        int[] z = new int[total];
        float[] wf = w.floats();
        for (int i = 0; i < total; i++) {
            int f = flat[i];
            int c = encoding.channels() == 1 ? 0 : (f / inner) % encoding.channels();
            float sc = encoding.scale(c);
            q[i] = multiply ? wf[f] * (1f / sc) : wf[f] / sc;
            s[i] = sc;
            z[i] = encoding.zeroPoint(c);
        }
        double[] b = new double[groups * outs];
        if (l.biasName() != null) {
            float[] bv = prepared.constant(l.biasName()).map(WeightTensor::floats)
                    .orElseThrow(() -> new Unsupported("bias is not a constant"));
            if (bv.length != 1 && bv.length != b.length) {
                throw new Unsupported("bias of " + bv.length + " values for " + b.length + " outputs");
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = beta * bv[bv.length == 1 ? 0 : i]; // a scalar Gemm C broadcasts
            }
        }
        String pre = l.kind() == LayerKind.MATMUL && l.biasName() != null
                ? prepared.nodes().stream().filter(x -> x.name().equals(BiasInput.of(prepared, l).node()))
                .findFirst().orElseThrow().output()
                : n.output();
        return new AdaRoundLayer(l, groups, outs, ins, flat, q, s, z, encoding.spec().qmin(), encoding.spec().qmax(),
                b, alpha, activationOf(l), pre, conv, cinG, kh, kw);
    }

    private static AdaRoundObjective.Activation activationOf(Layer l) {
        if (l.batchNorm() != null || l.activation() == null) {
            return AdaRoundObjective.Activation.NONE;
        }
        return switch (l.activationKind()) {
            case RELU -> AdaRoundObjective.Activation.RELU;
            case RELU6, CLIP, CHANNEL_CLIP -> new AdaRoundObjective.Activation(
                    Double.isNaN(l.clipMin()) ? Double.NEGATIVE_INFINITY : l.clipMin(),
                    Double.isNaN(l.clipMax()) ? Double.POSITIVE_INFINITY : l.clipMax(), l.channelClipMax());
            default -> AdaRoundObjective.Activation.NONE;
        };
    }

    /** The layer's input tensor (the same name in the FP32 and the quantized graphs). */
    String input() {
        return layer.linear().input(0);
    }

    /** The tensor the target is read from: the linear output with its bias, before the activation. */
    String preActivation() {
        return preActivation;
    }

    /** The applied activation (its description for the record). */
    AdaRoundObjective.Activation activation() {
        return activation;
    }

    /**
     * Captures rows and builds the objective.
     *
     * @param fp32      the FP32 prepared model (targets)
     * @param quantized the prepared model with the weights of earlier layers quantized (inputs)
     * @param calib     calibration samples
     * @param batchSize samples per run
     * @param settings  row limits and seed
     * @param index     the layer's position (varies the position draw between layers)
     * @param type      data type of the patches (FLOAT; DOUBLE for checks)
     * @param session   ONNX Runtime settings
     * @param cancel    cancellation
     * @return the objective of this layer
     */
    AdaRoundObjective capture(OnnxModel fp32, OnnxModel quantized, Dataset calib, int batchSize,
                              AdaRoundSettings settings, int index, DataType type, SessionSettings session,
                              CancellationToken cancel) {
        int n = calib.size();
        Rows rows = null;
        Random rnd = new Random(settings.seed() * 1_000_003L + index);
        try (InferenceSession f = InferenceSession.open(fp32, session, List.of(preActivation));
             InferenceSession q = InferenceSession.open(quantized, session, List.of(input()));
             BatchPrefetcher batches = new BatchPrefetcher(calib, n, MemoryBudget.samplesPerRun(
                     CaptureBatch.COPIES * (f.bytesPerSample(calib.sampleShape(), List.of(preActivation), cancel)
                             + q.bytesPerSample(calib.sampleShape(), List.of(input()), cancel)),
                     batchSize, "AdaRound's capture of layer " + layer.name(), null))) {
            while (batches.hasNext()) {
                cancel.throwIfCancelled();
                Batch b = batches.next();
                FloatTensor y = f.run(b.data(), b.shape(), List.of(preActivation), cancel).get(preActivation);
                FloatTensor x = q.run(b.data(), b.shape(), List.of(input()), cancel).get(input());
                if (rows == null) {
                    rows = new Rows(this, x.shape(), y.shape(), n, settings, rnd);
                }
                rows.add(x, y, rnd);
            }
        }
        if (rows == null) {
            throw new IllegalArgumentException("AdaRound needs at least one calibration sample");
        }
        return rows.objective(type, settings.batchRows());
    }

    /** Accumulates the rows of one layer. */
    private static final class Rows {
        private final AdaRoundLayer l;
        private final int positions;
        private final int perSample;
        private final int total;
        private final float[] patches;
        private final double[] targets;
        private final int[] slot;
        private final long[] inShape;
        private final long[] outShape;
        private final int[] pad = new int[2];
        private final int[] stride = {1, 1};
        private final int[] dilation = {1, 1};
        private int filled;

        Rows(AdaRoundLayer l, long[] inShape, long[] outShape, int samples, AdaRoundSettings st, Random rnd) {
            this.l = l;
            this.inShape = inShape;
            this.outShape = outShape;
            int pos = 1;
            if (l.conv) {
                for (int a = 2; a < outShape.length; a++) {
                    pos *= (int) outShape[a];
                }
                geometry();
            } else {
                for (int a = 1; a < outShape.length - 1; a++) {
                    pos *= (int) outShape[a];
                }
            }
            positions = pos;
            long rowBytes = 4L * l.groups * (l.ins + 1) + 8L * l.groups * l.outs;
            long cap = Math.min(st.maxRows(), AdaRoundSettings.MAX_LAYER_BYTES / rowBytes);
            perSample = (int) Math.max(1, Math.min(positions, cap / samples));
            total = (int) Math.min((long) perSample * samples, Math.max(1, cap)); // more samples than rows: later
            // samples contribute none
            patches = new float[l.groups * total * (l.ins + 1)];
            targets = new double[l.groups * total * l.outs];
            slot = new int[total];
            for (int i = 0; i < total; i++) {
                slot[i] = i;
            }
            for (int i = total - 1; i > 0; i--) { // random row order, so consecutive batches mix samples
                int j = rnd.nextInt(i + 1);
                int t = slot[i];
                slot[i] = slot[j];
                slot[j] = t;
            }
        }

        private void geometry() {
            GraphNode n = l.layer.linear();
            int sp = inShape.length - 2;
            long[] s = n.longsAttr("strides");
            long[] dl = n.longsAttr("dilations");
            long[] p = n.longsAttr("pads");
            for (int a = 0; a < sp; a++) {
                int at = 2 - sp + a; // 1-D convolutions use the second slot
                stride[at] = s == null ? 1 : (int) s[a];
                dilation[at] = dl == null ? 1 : (int) dl[a];
            }
            Object auto = n.attributes().get("auto_pad");
            String mode = auto instanceof String a ? a : "NOTSET";
            int[] k = {l.kh, l.kw};
            for (int a = 0; a < sp; a++) {
                int at = 2 - sp + a;
                int in = (int) inShape[2 + a];
                int out = (int) outShape[2 + a];
                pad[at] = switch (mode) {
                    case "SAME_UPPER", "SAME_LOWER" -> {
                        int tot = Math.max(0, (out - 1) * stride[at] + (k[at] - 1) * dilation[at] + 1 - in);
                        yield mode.equals("SAME_UPPER") ? tot / 2 : tot - tot / 2;
                    }
                    case "VALID" -> 0;
                    default -> p == null ? 0 : (int) p[a];
                };
            }
        }

        void add(FloatTensor x, FloatTensor y, Random rnd) {
            int count = (int) x.shape()[0];
            int[] pick = new int[positions];
            for (int b = 0; b < count; b++) {
                for (int i = 0; i < positions; i++) {
                    pick[i] = i;
                }
                for (int i = 0; i < perSample; i++) { // partial Fisher-Yates: perSample distinct positions
                    int j = i + rnd.nextInt(positions - i);
                    int t = pick[i];
                    pick[i] = pick[j];
                    pick[j] = t;
                }
                for (int i = 0; i < perSample && filled < total; i++) {
                    addRow(x, y, b, pick[i], slot[filled++]);
                }
            }
        }

        private void addRow(FloatTensor x, FloatTensor y, int b, int p, int row) {
            int g = l.groups;
            int ka = l.ins + 1;
            float[] xv = x.data();
            float[] yv = y.data();
            if (l.conv) {
                int cin = (int) inShape[1];
                int h = inShape.length == 4 ? (int) inShape[2] : 1;
                int w = (int) inShape[inShape.length - 1];
                int ow = (int) outShape[outShape.length - 1];
                int oy = p / ow;
                int ox = p % ow;
                for (int gi = 0; gi < g; gi++) {
                    int base = (gi * total + row) * ka;
                    int k = 0;
                    for (int c = 0; c < l.cinPerGroup; c++) {
                        int ch = gi * l.cinPerGroup + c;
                        int plane = (b * cin + ch) * h * w;
                        for (int i = 0; i < l.kh; i++) {
                            int iy = oy * stride[0] - pad[0] + i * dilation[0];
                            for (int j = 0; j < l.kw; j++, k++) {
                                int ix = ox * stride[1] - pad[1] + j * dilation[1];
                                patches[base + k] = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0
                                        : xv[plane + iy * w + ix];
                            }
                        }
                    }
                    patches[base + l.ins] = 1;
                    int cout = g * l.outs;
                    for (int o = 0; o < l.outs; o++) {
                        int c = gi * l.outs + o;
                        targets[(gi * total + row) * l.outs + o] =
                                l.activation.apply(yv[(b * cout + c) * positions + p], c);
                    }
                }
            } else {
                int base = row * ka;
                int xo = (b * positions + p) * l.ins;
                for (int k = 0; k < l.ins; k++) {
                    patches[base + k] = (float) (l.alpha * xv[xo + k]);
                }
                patches[base + l.ins] = 1;
                int yo = (b * positions + p) * l.outs;
                for (int o = 0; o < l.outs; o++) {
                    targets[row * l.outs + o] = l.activation.apply(yv[yo + o], o);
                }
            }
        }

        AdaRoundObjective objective(DataType type, int batchRows) {
            if (filled < total) {
                throw new IllegalStateException("AdaRound: captured " + filled + " of " + total + " rows");
            }
            INDArray p = Nd4j.create(patches, new long[] {l.groups, total, l.ins + 1}, 'c').castTo(type);
            double[] fl = new double[l.quotient.length];
            double[] lo = new double[fl.length];
            double[] hi = new double[fl.length];
            for (int i = 0; i < fl.length; i++) {
                fl[i] = Math.floor(l.quotient[i]);
                lo[i] = l.qmin - l.zero[i];
                hi[i] = l.qmax - l.zero[i];
            }
            return new AdaRoundObjective(l.groups, l.outs, l.ins, p, targets, fl, l.scale, lo, hi, l.bias,
                    l.activation, batchRows);
        }
    }
}
