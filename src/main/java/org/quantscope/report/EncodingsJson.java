package org.quantscope.report;

import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quantizer encodings in the layout of AIMET's encodings files: {@code param_encodings} (weights) and
 * {@code activation_encodings}, each a map from tensor name to a list with one entry per channel (one entry per
 * tensor for per-tensor quantizers). Each entry has {@code bitwidth}, {@code dtype} ("int"), {@code is_symmetric},
 * {@code scale}, {@code offset}, {@code min}, {@code max}, plus QuantScope's {@code zeroPoint}, {@code signed},
 * {@code granularity} and {@code axis}. As in AIMET, {@code min = scale * offset}: {@code offset = qmin - zeroPoint}
 * ({@code -zeroPoint} on an unsigned grid, -128 for symmetric int8); {@code zeroPoint} is the ONNX QuantizeLinear
 * zero point.
 * Scales are the float32 values written exactly as doubles.
 */
public final class EncodingsJson {

    private EncodingsJson() {
    }

    /** The encodings tree. */
    public static Map<String, Object> tree(QuantizedModel qm) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "quantscope-encodings/1");
        Map<String, Object> params = new LinkedHashMap<>();
        Map<String, Object> acts = new LinkedHashMap<>();
        for (QuantizerState q : qm.quantizers()) {
            if (!q.enabled()) {
                continue;
            }
            (q.site().isWeight() ? params : acts).put(q.site().name(), entries(q.encoding()));
        }
        root.put("param_encodings", params);
        root.put("activation_encodings", acts);
        return root;
    }

    /** One entry per channel. */
    static List<Map<String, Object>> entries(Encoding e) {
        List<Map<String, Object>> list = new ArrayList<>(e.channels());
        float[] mins = e.mins();
        float[] maxs = e.maxs();
        for (int c = 0; c < e.channels(); c++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bitwidth", e.bits());
            m.put("dtype", "int");
            m.put("is_symmetric", String.valueOf(e.spec().symmetric()).substring(0, 1).toUpperCase(Locale.ROOT)
                    + String.valueOf(e.spec().symmetric()).substring(1));
            m.put("scale", (double) e.scale(c));
            m.put("offset", e.spec().qmin() - e.zeroPoint(c));
            m.put("min", (double) mins[c]);
            m.put("max", (double) maxs[c]);
            m.put("zeroPoint", e.zeroPoint(c));
            m.put("signed", e.signed());
            m.put("granularity", e.granularity() == Granularity.PER_CHANNEL ? "per-channel" : "per-tensor");
            m.put("axis", e.axis());
            list.add(m);
        }
        return list;
    }

    /** Writes the encodings to a file. */
    public static void write(QuantizedModel qm, Path file) {
        Json.write(tree(qm), file);
    }
}
