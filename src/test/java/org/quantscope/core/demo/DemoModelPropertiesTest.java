package org.quantscope.core.demo;

import org.junit.jupiter.api.Test;
import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.LayerKind;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo model has the problem the debugging flowchart exists for, computed here independently of the Python script
 * that made it: after folding BatchNorm into the preceding conv (white paper eq. 10-12, W'_c = W_c * gamma_c /
 * sqrt(var_c + eps)), some depthwise layer's output channels have weight ranges (max |W'_c|) that differ by 50x or
 * more from the median channel.
 */
class DemoModelPropertiesTest {

    static double[] foldedChannelRanges(OnnxModel m, Layer l) {
        float[] w = m.constants().get(l.weightName()).floats();
        long[] shape = l.weightShape();
        int out = (int) shape[0];
        int per = w.length / out;
        GraphNode bn = l.batchNorm();
        float[] gamma = m.constant(bn.input(1)).orElseThrow().floats();
        float[] var = m.constant(bn.input(4)).orElseThrow().floats();
        double eps = bn.doubleAttr("epsilon", 1e-5);
        double[] ranges = new double[out];
        for (int c = 0; c < out; c++) {
            double s = gamma[c] / Math.sqrt(var[c] + eps);
            double max = 0;
            for (int i = 0; i < per; i++) {
                max = Math.max(max, Math.abs(w[c * per + i] * s));
            }
            ranges[c] = max;
        }
        return ranges;
    }

    static double rangeRatio(double[] ranges) {
        double[] s = ranges.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return s[s.length - 1] / median;
    }

    @Test
    void aDepthwiseLayerHasChannelRangesDifferingFiftyFoldAfterBnFolding() {
        OnnxModel m = OnnxModelLoader.load(DemoAssets.locate().model());
        double worst = 0;
        for (Layer l : m.layers()) {
            if (l.kind() == LayerKind.DEPTHWISE_CONV) {
                assertTrue(l.batchNorm() != null, "demo depthwise layers keep their BatchNormalization");
                worst = Math.max(worst, rangeRatio(foldedChannelRanges(m, l)));
            }
        }
        assertTrue(worst >= 50, "largest depthwise channel-range ratio after folding: " + worst);
    }

    @Test
    void javaBnFoldingGivesTheSameChannelRangesAsTheHandComputation() {
        OnnxModel m = OnnxModelLoader.load(DemoAssets.locate().model());
        OnnxModel f = org.quantscope.core.onnx.BatchNormFolding.fold(m);
        for (int i = 0; i < m.layers().size(); i++) {
            Layer orig = m.layers().get(i);
            if (orig.batchNorm() == null) {
                continue;
            }
            double[] expected = foldedChannelRanges(m, orig);
            float[] w = f.constants().get(f.layers().get(i).weightName()).floats();
            int per = w.length / expected.length;
            for (int c = 0; c < expected.length; c++) {
                double max = 0;
                for (int k = 0; k < per; k++) {
                    max = Math.max(max, Math.abs(w[c * per + k]));
                }
                assertEquals(expected[c], max, 1e-6 * Math.max(1, expected[c]), orig.name() + " channel " + c);
            }
        }
    }

    @Test
    void demoModelStructure() {
        OnnxModel m = OnnxModelLoader.load(DemoAssets.locate().model());
        assertEquals(13, m.opset());
        assertEquals(10, m.layers().size());
        assertEquals(4, m.layers().stream().filter(l -> l.kind() == LayerKind.DEPTHWISE_CONV).count());
        assertEquals(9, m.layers().stream().filter(l -> l.activationKind() == org.quantscope.core.onnx.ActivationKind.RELU6)
                .count());
        OnnxModel r = OnnxModelLoader.load(DemoAssets.locate().residualModel());
        assertTrue(r.nodes().stream().anyMatch(n -> n.opType().equals("Add")), "the ResNet demo has residual Adds");
        assertTrue(r.layers().size() >= 5);
    }
}
