package org.quantscope.chart.figure;

import org.quantscope.core.analysis.Histogram;

/**
 * What the weight histogram shows for the selected layer: the histogram of the whole (BN-folded) weight or of one
 * output channel, the quantization grid that applies to it and its clipping thresholds.
 *
 * @param quantizer   the weight quantizer
 * @param layer       the layer
 * @param channel     the channel shown, -1 for the whole tensor
 * @param channels    output channels of the weight
 * @param histogram   64 bins over the values shown
 * @param grid        the grid that quantizes these values (the channel's grid for a per-channel quantizer), or null
 *                    when the quantizer is disabled
 * @param gridChannel the channel whose encoding {@code grid} is (0 for a per-tensor quantizer)
 * @param perChannelQuantizer whether the quantizer has one grid per channel
 * @param clippedShare        share of the tensor's weights clipped (NaN when unknown)
 * @param roundedToZeroShare  share of non-zero weights rounded to zero (NaN when unknown)
 */
public record WeightHistogram(String quantizer, String layer, int channel, int channels, Histogram histogram,
                              QuantGrid grid, int gridChannel, boolean perChannelQuantizer, double clippedShare,
                              double roundedToZeroShare) {

    /** How many grid values lie within the values shown (0 without a grid). */
    public int gridValuesUsed() {
        return grid == null ? 0 : grid.countWithin(histogram.lower(), histogram.upper());
    }
}
