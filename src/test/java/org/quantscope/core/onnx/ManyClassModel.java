package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import org.quantscope.core.data.TestFiles;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An ImageNet-sized problem in miniature, written in code: a 50-layer MLP (Gemm + Relu) with 1,000 outputs, test
 * data, labels and a synsets file. The network computes nearly the identity of its 16-dimensional input (the first
 * layer splits x into ReLU(x) and ReLU(-x), 48 near-identity layers follow, the last layer recombines them) and scores
 * each class by the dot product with a random unit prototype; every sample is its class's prototype plus noise, so the
 * per-class accuracy varies between classes and a few classes are often confused with each other.
 */
public final class ManyClassModel {

    /** Classes (model outputs). */
    public static final int CLASSES = 1000;
    /** Gemm layers. */
    public static final int LAYERS = 50;
    /** Input features. */
    public static final int FEATURES = 16;

    private ManyClassModel() {
    }

    /**
     * The files of the problem.
     *
     * @param model   the ONNX model
     * @param data    float32 samples [n, 16]
     * @param labels  int64 labels [n]
     * @param synsets {@code index<TAB>id<TAB>name} lines, names "class 0, ..."
     */
    public record Files4(Path model, Path data, Path labels, Path synsets) {
    }

    /**
     * Writes model, data ({@code perClass} samples of each class), labels and synsets into {@code dir}.
     *
     * @param dir      target folder
     * @param perClass samples per class
     * @return the files
     * @throws IOException when writing fails
     */
    public static Files4 write(Path dir, int perClass) throws IOException {
        Random rnd = new Random(14);
        float[][] proto = new float[CLASSES][FEATURES];
        for (float[] p : proto) {
            double norm = 0;
            for (int i = 0; i < FEATURES; i++) {
                p[i] = (float) rnd.nextGaussian();
                norm += p[i] * p[i];
            }
            for (int i = 0; i < FEATURES; i++) {
                p[i] /= (float) Math.sqrt(norm);
            }
        }
        int h = 2 * FEATURES;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("many_classes")
                .addInput(TestModels.value("x", 1, "batch", FEATURES))
                .addOutput(TestModels.value("logits", 1, "batch", CLASSES));
        float[] split = new float[h * FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            split[i * FEATURES + i] = 1;
            split[(i + FEATURES) * FEATURES + i] = -1;
        }
        String in = "x";
        in = gemm(g, 1, in, split, h, FEATURES, true);
        for (int l = 2; l < LAYERS; l++) {
            float[] w = new float[h * h];
            double noise = 0.004 * (1 + l % 7);
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < h; c++) {
                    w[r * h + c] = (float) ((r == c ? 1 : 0) + noise * rnd.nextGaussian());
                }
            }
            in = gemm(g, l, in, w, h, h, true);
        }
        float[] last = new float[CLASSES * h];
        for (int k = 0; k < CLASSES; k++) {
            for (int i = 0; i < FEATURES; i++) {
                last[k * h + i] = proto[k][i];
                last[k * h + FEATURES + i] = -proto[k][i];
            }
        }
        String out = gemm(g, LAYERS, in, last, CLASSES, h, false);
        g.addNode(TestModels.node("Identity", "output", List.of(out), List.of("logits")));
        Path model = Files.write(dir.resolve("many_classes.onnx"), TestModels.model(g.build(), 13).toByteArray());

        int n = CLASSES * perClass;
        float[] x = new float[n * FEATURES];
        long[] y = new long[n];
        for (int s = 0; s < n; s++) {
            int k = s % CLASSES;
            y[s] = k;
            for (int i = 0; i < FEATURES; i++) {
                x[s * FEATURES + i] = (float) (2.5 * proto[k][i] + 0.35 * rnd.nextGaussian());
            }
        }
        Path data = TestFiles.writeNpy(dir.resolve("many_x.npy"), "<f4", new long[] {n, FEATURES},
                TestFiles.f32(ByteOrder.LITTLE_ENDIAN, x));
        Path labels = TestFiles.writeNpy(dir.resolve("many_y.npy"), "<i8", new long[] {n},
                TestFiles.i64(ByteOrder.LITTLE_ENDIAN, y));
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < CLASSES; k++) {
            lines.add(k + "\t" + String.format("n%08d", 1000000 + k) + "\tclass " + k + ", synonym " + k);
        }
        Path synsets = Files.write(dir.resolve("synsets.txt"), lines, StandardCharsets.UTF_8);
        return new Files4(model, data, labels, synsets);
    }

    private static String gemm(OnnxMl.GraphProto.Builder g, int l, String in, float[] w, int out, int inDim,
                               boolean relu) {
        String wName = "fc" + l + ".weight";
        String bName = "fc" + l + ".bias";
        g.addInitializer(TestModels.floats(wName, new long[] {out, inDim}, w));
        g.addInitializer(TestModels.floats(bName, new long[] {out}, new float[out]));
        String y = "fc" + l + "_out";
        g.addNode(TestModels.node("Gemm", "/fc" + l + "/Gemm", List.of(in, wName, bName), List.of(y),
                TestModels.intAttr("transB", 1)));
        if (!relu) {
            return y;
        }
        String r = "fc" + l + "_relu";
        g.addNode(TestModels.node("Relu", "/fc" + l + "/Relu", List.of(y), List.of(r)));
        return r;
    }
}
