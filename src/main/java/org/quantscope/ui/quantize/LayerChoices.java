package org.quantscope.ui.quantize;

import org.quantscope.ui.main.LayerRow;

import java.util.ArrayList;
import java.util.List;

/** Builds the entries of the layer list from the model's layers and the quantizers shown. */
final class LayerChoices {

    private LayerChoices() {
    }

    /**
     * The entries: every quantizer first, then each layer in graph order, then the quantizers outside layers.
     *
     * @param layers     the model's layers
     * @param quantizers every quantizer
     * @return the list entries
     */
    static List<LayerChoice> of(List<LayerRow> layers, List<QuantizerRow> quantizers) {
        List<LayerChoice> choices = new ArrayList<>();
        choices.add(new LayerChoice(null, "All quantizers", "whole model", quantizers.size()));
        for (LayerRow l : layers) {
            int n = (int) quantizers.stream().filter(q -> q.layer().equals(l.name())).count();
            choices.add(new LayerChoice(l.name(), l.name(), l.kind(), n));
        }
        int outside = (int) quantizers.stream().filter(q -> q.layer().equals("—")).count();
        if (outside > 0) {
            choices.add(new LayerChoice(LayerChoice.OUTSIDE, "Outside layers", "Add, pool, model output", outside));
        }
        return choices;
    }
}
