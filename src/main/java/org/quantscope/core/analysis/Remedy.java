package org.quantscope.core.analysis;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One change that turns a quantization configuration into the next: what the diagnosis suggests for a layer, what a
 * step of the guided investigation tries, and what a saved investigation records. A typed value, so that the window,
 * the command line and a saved file speak of the same thing; {@code QuantConfig.apply} (in the configuration layer)
 * turns it into the next configuration.
 *
 * <p>Every remedy has an {@link #id()} (its type, stable in JSON), a plain-language {@link #describe()} and its
 * {@link #fields()} (the JSON form, with {@code type} first); {@link #fromFields} reads that form back.
 */
public sealed interface Remedy {

    /** The remedy's type, as written in JSON ({@code type}). */
    String id();

    /** What the remedy does, in plain words. */
    String describe();

    /** The JSON form: {@code type} and the remedy's parameters. */
    default Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", id());
        return m;
    }

    /**
     * Per-channel weights (white paper §3.7: uneven per-channel weight ranges).
     *
     * @param quantizer one weight quantizer, or null for every weight
     */
    record PerChannelWeights(String quantizer) implements Remedy {
        @Override
        public String id() {
            return "per-channel";
        }

        @Override
        public String describe() {
            return quantizer == null ? "per-channel weights" : "per-channel weights for " + quantizer;
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> m = Remedy.super.fields();
            m.put("quantizer", quantizer);
            return m;
        }
    }

    /**
     * Cross-layer equalization (white paper §3.2), with bias absorption.
     *
     * @param biasAbsorption also absorb high biases into the next layer
     */
    record Equalize(boolean biasAbsorption) implements Remedy {
        @Override
        public String id() {
            return "cle";
        }

        @Override
        public String describe() {
            return biasAbsorption ? "cross-layer equalization with bias absorption" : "cross-layer equalization";
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> m = Remedy.super.fields();
            m.put("biasAbsorption", biasAbsorption);
            return m;
        }
    }

    /**
     * Bias correction (white paper §3.2, eq. 27 empirical or eq. 28 analytic).
     *
     * @param mode {@code empirical} or {@code analytic}
     */
    record CorrectBias(String mode) implements Remedy {
        @Override
        public String id() {
            return "bias-correction";
        }

        @Override
        public String describe() {
            return mode + " bias correction";
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> m = Remedy.super.fields();
            m.put("mode", mode);
            return m;
        }
    }

    /**
     * AdaRound (white paper §3.3): learned rounding of every weight, layer by layer.
     *
     * @param iterations optimizer steps per layer
     * @param samples    calibration samples it reconstructs on
     */
    record LearnRounding(int iterations, int samples) implements Remedy {
        @Override
        public String id() {
            return "adaround";
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "AdaRound (%,d iterations per layer, %,d samples)", iterations, samples);
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> m = Remedy.super.fields();
            m.put("iterations", iterations);
            m.put("samples", samples);
            return m;
        }
    }

    /**
     * Another range-setting method for every activation quantizer (white paper §3.1; {@code ce} is cross-entropy for
     * the logits and MSE elsewhere).
     *
     * @param method the method
     */
    record ActivationRanges(String method) implements Remedy {
        @Override
        public String id() {
            return "activation-range";
        }

        @Override
        public String describe() {
            return method + " ranges for the activations";
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> m = Remedy.super.fields();
            m.put("method", method);
            return m;
        }
    }

    /**
     * Another range-setting method for one quantizer.
     *
     * @param quantizer the quantizer
     * @param method    the method
     */
    record QuantizerRange(String quantizer, String method) implements Remedy {
        @Override
        public String id() {
            return "quantizer-range";
        }

        @Override
        public String describe() {
            return method + " range for " + quantizer;
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> m = Remedy.super.fields();
            m.put("quantizer", quantizer);
            m.put("method", method);
            return m;
        }
    }

    /**
     * Another bit width for one quantizer.
     *
     * @param quantizer the quantizer
     * @param bits      its width, 2 to 16
     */
    record QuantizerBits(String quantizer, int bits) implements Remedy {
        @Override
        public String id() {
            return "quantizer-bits";
        }

        @Override
        public String describe() {
            return bits + " bits for " + quantizer;
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> m = Remedy.super.fields();
            m.put("quantizer", quantizer);
            m.put("bits", bits);
            return m;
        }
    }

    /**
     * Quantizers switched off: their tensors stay in float (a layer's weight and output quantizers, or one of them).
     *
     * @param quantizers the quantizers
     */
    record FloatFallback(java.util.List<String> quantizers) implements Remedy {
        /** Copies. */
        public FloatFallback {
            quantizers = java.util.List.copyOf(quantizers);
        }

        @Override
        public String id() {
            return "float-fallback";
        }

        @Override
        public String describe() {
            return "keep " + String.join(" and ", quantizers) + " in float";
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> m = Remedy.super.fields();
            m.put("quantizers", quantizers);
            return m;
        }
    }

    /**
     * Mixed precision: per-quantizer bit widths (the search's chosen point).
     *
     * @param bits width per quantizer that differs from the uniform one; {@link #FLOAT} (32) keeps it in float
     */
    record BitWidths(Map<String, Integer> bits) implements Remedy {

        /** The width that stands for float fallback (the mixed-precision search's "float" candidate). */
        public static final int FLOAT = org.quantscope.core.sim.BitWidthVariants.FLOAT;

        /** Copies, sorted by quantizer. */
        public BitWidths {
            bits = java.util.Collections.unmodifiableMap(new TreeMap<>(bits));
        }

        @Override
        public String id() {
            return "mixed-precision";
        }

        @Override
        public String describe() {
            long inFloat = bits.values().stream().filter(b -> b == FLOAT).count();
            long other = bits.size() - inFloat;
            return "mixed precision: " + other + (other == 1 ? " quantizer" : " quantizers") + " at other widths"
                    + (inFloat > 0 ? ", " + inFloat + " in float" : "");
        }

        @Override
        public Map<String, Object> fields() {
            Map<String, Object> m = Remedy.super.fields();
            m.put("bits", bits);
            return m;
        }
    }

    /**
     * Reads the JSON form of {@link #fields()}.
     *
     * @param m the fields
     * @return the remedy
     * @throws IllegalArgumentException on an unknown type or a missing parameter
     */
    @SuppressWarnings("unchecked")
    static Remedy fromFields(Map<String, Object> m) {
        Object type = m.get("type");
        if (type == null) {
            throw new IllegalArgumentException("a remedy needs a type");
        }
        return switch (type.toString()) {
            case "per-channel" -> new PerChannelWeights((String) m.get("quantizer"));
            case "cle" -> new Equalize(Boolean.TRUE.equals(m.get("biasAbsorption")));
            case "bias-correction" -> new CorrectBias(text(m, "mode"));
            case "adaround" -> new LearnRounding(number(m, "iterations"), number(m, "samples"));
            case "activation-range" -> new ActivationRanges(text(m, "method"));
            case "quantizer-range" -> new QuantizerRange(text(m, "quantizer"), text(m, "method"));
            case "quantizer-bits" -> new QuantizerBits(text(m, "quantizer"), number(m, "bits"));
            case "float-fallback" -> {
                Object q = m.get("quantizers");
                if (!(q instanceof java.util.List<?> list) || list.isEmpty()) {
                    throw new IllegalArgumentException("a float-fallback remedy needs its quantizers");
                }
                yield new FloatFallback(list.stream().map(Object::toString).toList());
            }
            case "mixed-precision" -> {
                Map<String, Integer> bits = new TreeMap<>();
                Object b = m.get("bits");
                if (!(b instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException("a mixed-precision remedy needs its bits");
                }
                map.forEach((k, v) -> bits.put(k.toString(), ((Number) v).intValue()));
                yield new BitWidths(bits);
            }
            default -> throw new IllegalArgumentException("unknown remedy type '" + type + "'");
        };
    }

    private static String text(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("a " + m.get("type") + " remedy needs its " + key);
        }
        return v.toString();
    }

    private static int number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("a " + m.get("type") + " remedy needs a number for " + key);
        }
        return n.intValue();
    }
}
