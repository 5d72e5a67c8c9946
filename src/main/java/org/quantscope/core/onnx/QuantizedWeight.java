package org.quantscope.core.onnx;

import java.util.Locale;
import java.util.Optional;

/**
 * The integer weight of a layer in an already quantized (QDQ) model, as QuantScope's export and ONNX Runtime's
 * quantization tools write it: an integer initializer behind a DequantizeLinear, whose scale has one value per channel
 * (per-channel, along {@code axis}) or one in all.
 *
 * @param storage    the stored element type, e.g. {@code int8} or {@code uint8}
 * @param bits       the width of the grid the stored values use: {@code ceil(log2(max - min + 1))} over all of them,
 *                   so a 4-bit grid kept in an int8 container shows 4
 * @param perChannel whether there is one scale per channel
 * @param axis       the channel axis of a per-channel weight, else -1
 * @param symmetric  whether every zero point is the middle of the storage type (0 when signed, 2^(n-1) when
 *                   unsigned: 128 for uint8)
 */
public record QuantizedWeight(String storage, int bits, boolean perChannel, int axis, boolean symmetric) {

    /**
     * The quantized weight of a layer, when its weight is an integer constant behind a DequantizeLinear.
     *
     * @param m     the model
     * @param layer one of its layers
     * @return the description, or empty for a float weight
     */
    public static Optional<QuantizedWeight> of(OnnxModel m, Layer layer) {
        WeightTensor w = m.constants().get(layer.weightName());
        GraphNode dq = m.producerOf(m.resolveIdentity(layer.linear().input(1))).orElse(null);
        if (w == null || w.longs() == null || dq == null || !dq.opType().equals("DequantizeLinear")) {
            return Optional.empty();
        }
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (long v : w.longs()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        int bits = w.longs().length == 0 ? 0 : Math.max(1, 64 - Long.numberOfLeadingZeros(hi - lo));
        long scales = m.constant(dq.input(1)).map(WeightTensor::size).orElse(1L);
        boolean perChannel = scales > 1;
        int axis = perChannel ? (int) dq.longAttr("axis", 1) : -1;
        boolean unsigned = w.elementType().startsWith("uint");
        long middle = unsigned ? 1L << (storageBits(w.elementType()) - 1) : 0;
        long[] zps = dq.input(2).isEmpty() ? new long[] {0}
                : m.constant(dq.input(2)).map(WeightTensor::longs).orElse(new long[] {0});
        boolean symmetric = true;
        for (long z : zps) {
            symmetric &= z == middle;
        }
        return Optional.of(new QuantizedWeight(w.elementType(), bits, perChannel, axis, symmetric));
    }

    /** A short description, e.g. {@code W8 int8 per-channel} or {@code W8 uint8 per-tensor, asymmetric}. */
    public String text() {
        return String.format(Locale.ROOT, "W%d %s %s%s", bits, storage, perChannel ? "per-channel" : "per-tensor",
                symmetric ? "" : ", asymmetric");
    }

    private static int storageBits(String type) {
        String digits = type.replaceAll("\\D", "");
        return digits.isEmpty() ? 8 : Integer.parseInt(digits);
    }
}
