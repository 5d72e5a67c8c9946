package org.quantscope.ui.quantize;

/**
 * An entry of the quantization panel's layer list: one layer, every quantizer, or the quantizers outside any layer.
 *
 * @param layer      the layer name, {@code null} for "every quantizer", {@link #OUTSIDE} for quantizers of no layer
 * @param label      what the list shows
 * @param kind       the layer kind ({@code Conv}, ...), or a short description
 * @param quantizers how many quantizers the entry covers
 */
public record LayerChoice(String layer, String label, String kind, int quantizers) {

    /** Key of the entry for quantizers that belong to no layer (Add, pool and model outputs). */
    public static final String OUTSIDE = "(outside layers)";
}
