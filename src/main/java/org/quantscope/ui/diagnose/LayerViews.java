package org.quantscope.ui.diagnose;

import org.quantscope.chart.figure.ActivationHistogram;
import org.quantscope.chart.figure.ChannelRanges;
import org.quantscope.chart.figure.LayerFinding;
import org.quantscope.chart.figure.QuantGrid;
import org.quantscope.chart.figure.WeightHistogram;
import org.quantscope.core.analysis.ActivationStats;
import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.analysis.Histogram;
import org.quantscope.core.analysis.WeightStatistics;
import org.quantscope.core.analysis.WeightStats;
import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.ui.main.LayerRow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns core results into the reduced data the diagnostics charts draw (no tensors leave this class). */
final class LayerViews {

    private LayerViews() {
    }

    /** Navigator rows before a diagnosis: names and kinds only. */
    static List<LayerFinding> undiagnosed(List<LayerRow> layers) {
        List<LayerFinding> out = new ArrayList<>();
        for (LayerRow l : layers) {
            out.add(new LayerFinding(l.index(), l.name(), LayerFinding.shortName(l.name()), l.kind(), Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "", "",
                    LayerFinding.ErrorLevel.UNKNOWN));
        }
        return out;
    }

    /** Navigator rows and chart bars of a diagnosis, in graph order. */
    static List<LayerFinding> findings(DiagnosisResult r) {
        return LayerFinding.of(r);
    }

    /** The weight quantizer of a layer, if it has one. */
    static Optional<QuantizerState> weightQuantizer(QuantizedModel qm, String layer) {
        return qm.quantizersOfLayer(layer).stream().filter(q -> q.site().isWeight()).findFirst();
    }

    /**
     * The weight histogram of a layer: the whole tensor, or one output channel.
     *
     * @param qm      the quantized model
     * @param q       the layer's weight quantizer
     * @param stats   its statistics ({@link WeightStatistics#of})
     * @param channel the channel to show, or -1 for the whole tensor
     * @return the histogram with its grid
     */
    static WeightHistogram weightHistogram(QuantizedModel qm, QuantizerState q, WeightStats stats, int channel) {
        int channels = stats.channels();
        boolean perChannel = q.enabled() && q.encoding().granularity() == Granularity.PER_CHANNEL;
        int gridChannel = perChannel ? Math.max(channel, 0) : 0;
        QuantGrid grid = q.enabled() ? grid(q.encoding(), gridChannel) : null;
        Histogram h;
        if (channel < 0) {
            h = stats.histogram();
        } else {
            float[] values = channelValues(qm, q, channel);
            h = Histogram.of(values, WeightStatistics.BINS, stats.channelMin()[channel], stats.channelMax()[channel]);
        }
        return new WeightHistogram(q.site().name(), q.site().layer(), channel, channels, h, grid, gridChannel,
                perChannel, stats.clippedShare(), stats.roundedToZeroShare());
    }

    /** Channel min/max of a weight, with the per-tensor range and, for a per-channel quantizer, each channel's. */
    static ChannelRanges weightRanges(QuantizerState q, WeightStats s) {
        double lo = s.min();
        double hi = s.max();
        double[] clip = new double[0];
        if (q.enabled() && q.encoding().granularity() == Granularity.PER_TENSOR) {
            lo = q.encoding().mins()[0];
            hi = q.encoding().maxs()[0];
        } else if (q.enabled()) {
            Encoding e = q.encoding();
            clip = new double[2 * e.channels()];
            for (int c = 0; c < e.channels(); c++) {
                clip[2 * c] = e.mins()[c];
                clip[2 * c + 1] = e.maxs()[c];
            }
        }
        return new ChannelRanges("weights", q.site().name(), s.channelMin(), s.channelMax(), lo, hi, clip);
    }

    /** Channel min/max of an activation over the calibration samples, with the range its quantizer uses. */
    static ChannelRanges activationRanges(ActivationStats a) {
        double lo = a.chosen() == null ? a.min() : a.chosen().min();
        double hi = a.chosen() == null ? a.max() : a.chosen().max();
        return new ChannelRanges("activations", a.quantizer(), a.channelMin(), a.channelMax(), lo, hi,
                new double[0]);
    }

    /** The histogram of an activation quantizer with the range of every method. */
    static ActivationHistogram activationHistogram(ActivationStats a) {
        return new ActivationHistogram(a.quantizer(), a.role(), a.count(), a.histogram(), a.methodRanges(),
                a.chosenMethod(), a.chosen());
    }

    /** The grid of channel {@code c} of an encoding. */
    static QuantGrid grid(Encoding e, int c) {
        return new QuantGrid(e.scale(c), e.zeroPoint(c), e.spec().qmin(), e.spec().qmax());
    }

    /** The values of one output channel of the (BN-folded) weight a quantizer reads. */
    private static float[] channelValues(QuantizedModel qm, QuantizerState q, int channel) {
        float[] all = qm.prepared().constant(q.site().tensor()).orElseThrow().floats();
        long[] shape = q.site().shape();
        int axis = q.site().channelAxis();
        int channels = (int) shape[axis];
        long inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        float[] out = new float[all.length / channels];
        int n = 0;
        for (int i = 0; i < all.length; i++) {
            if ((i / inner) % channels == channel) {
                out[n++] = all[i];
            }
        }
        return out;
    }
}
