package org.quantscope.core.transform;

import org.quantscope.core.quant.Range;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The calibrated range of an equalized layer's output quantizer before and after the fixes. Equalization divides
 * output channel i by s_i: channels with s_i &lt; 1 grow, and with them the per-tensor activation range that every
 * channel shares (the white paper's caveat to eq. 22; extreme when a channel is nearly dead and s_i is tiny). This is
 * where per-tensor activation quantization can lose what weight quantization gained.
 *
 * @param layer   the first layer of an equalized pair
 * @param tensor  its output tensor (the quantized activation)
 * @param before  the range calibrated without the fixes
 * @param after   the range calibrated with them
 */
public record ActivationRangeChange(String layer, String tensor, Range before, Range after) {

    /** Width after over width before (1 when the before range is empty). */
    public double growth() {
        double w = (double) before.max() - before.min();
        return w > 0 ? ((double) after.max() - after.min()) / w : 1;
    }

    /**
     * e.g. {@code /features/features.3/Conv: [0, 5.81] -> [0, 43.1] (7.4x)}.
     *
     * @return the description
     */
    public String describe() {
        return String.format(Locale.ROOT, "%s: [%.3g, %.3g] -> [%.3g, %.3g] (%.2fx)", layer, before.min(), before.max(),
                after.min(), after.max(), growth());
    }

    /**
     * The range change of every equalized pair's first layer whose output is quantized in both models, widest growth
     * first.
     *
     * @param cle    the equalization
     * @param before the quantization without fixes
     * @param after  with the fixes
     * @return the changes
     */
    public static List<ActivationRangeChange> of(CrossLayerEqualization.Result cle, QuantizedModel before,
                                                 QuantizedModel after) {
        List<ActivationRangeChange> out = new ArrayList<>();
        for (CrossLayerEqualization.Pair p : cle.pairs()) {
            Optional<QuantizerState> b = layerOutput(before, p.first());
            Optional<QuantizerState> a = layerOutput(after, p.first());
            if (b.isPresent() && a.isPresent()) {
                out.add(new ActivationRangeChange(p.first(), a.get().site().tensor(), b.get().chosen(),
                        a.get().chosen()));
            }
        }
        out.sort(Comparator.comparingDouble(ActivationRangeChange::growth).reversed());
        return out;
    }

    private static Optional<QuantizerState> layerOutput(QuantizedModel m, String layer) {
        return m.quantizersOfLayer(layer).stream()
                .filter(q -> q.enabled() && !q.site().isWeight() && q.chosen() != null)
                .filter(q -> "layer output".equals(q.site().role()))
                .findFirst();
    }
}
