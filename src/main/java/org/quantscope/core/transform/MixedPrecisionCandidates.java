package org.quantscope.core.transform;

import org.quantscope.core.InputException;
import org.quantscope.core.sim.BitWidthVariants;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The bit widths a mixed-precision search may give each quantizer: weight widths, activation widths, and float
 * fallback (the quantizer disabled) for either kind. A quantizer is only raised from its base width: candidates at or
 * below the base are not used for it.
 *
 * @param weightBits      candidate weight widths, ascending, 2..16
 * @param activationBits  candidate activation widths, ascending, 2..16
 * @param weightFloat     whether a weight may stay in float
 * @param activationFloat whether an activation may stay in float
 */
public record MixedPrecisionCandidates(List<Integer> weightBits, List<Integer> activationBits, boolean weightFloat,
                                       boolean activationFloat) {

    /** The example: W4/W8/W16, A8/A16 and float fallback. */
    public static final MixedPrecisionCandidates DEFAULT = parse("w4,w8,w16,a8,a16,float");

    /** Sorts, de-duplicates and checks the widths. */
    public MixedPrecisionCandidates {
        weightBits = List.copyOf(new TreeSet<>(weightBits));
        activationBits = List.copyOf(new TreeSet<>(activationBits));
        for (int b : weightBits) {
            check("w" + b, b);
        }
        for (int b : activationBits) {
            check("a" + b, b);
        }
        if (weightBits.isEmpty() && activationBits.isEmpty() && !weightFloat && !activationFloat) {
            throw new InputException("no mixed-precision candidates given; use e.g. w4,w8,w16,a8,a16,float");
        }
    }

    private static void check(String token, int b) {
        if (b < 2 || b > 16) {
            throw new InputException("mixed-precision candidate '" + token + "': bit widths must be between 2 and 16"
                    + " (use 'float' for float fallback)");
        }
    }

    /**
     * Parses a comma-separated list: {@code wN} (weights at N bits), {@code aN} (activations), {@code float} (float
     * fallback for both), {@code wfloat}, {@code afloat}.
     *
     * @param text the list, for example {@code w4,w8,w16,a8,a16,float}
     * @return the candidates
     * @throws InputException naming an unknown entry
     */
    public static MixedPrecisionCandidates parse(String text) {
        List<Integer> w = new ArrayList<>();
        List<Integer> a = new ArrayList<>();
        boolean wf = false;
        boolean af = false;
        for (String raw : text.split(",")) {
            String t = raw.trim().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            switch (t) {
                case "float", "fp32" -> {
                    wf = true;
                    af = true;
                }
                case "wfloat" -> wf = true;
                case "afloat" -> af = true;
                default -> {
                    boolean weight = t.startsWith("w");
                    if (!(weight || t.startsWith("a")) || t.length() < 2) {
                        throw unknown(raw);
                    }
                    int b;
                    try {
                        b = Integer.parseInt(t.substring(1));
                    } catch (NumberFormatException e) {
                        throw unknown(raw);
                    }
                    check(t, b);
                    (weight ? w : a).add(b);
                }
            }
        }
        return new MixedPrecisionCandidates(w, a, wf, af);
    }

    private static InputException unknown(String token) {
        return new InputException("unknown mixed-precision candidate '" + token.trim() + "'; use wN or aN (N = 2..16"
                + " bits, e.g. w4, a16), float (float fallback for both kinds), wfloat or afloat");
    }

    /**
     * The widths a quantizer may be raised to from its base, ascending, {@link BitWidthVariants#FLOAT} last.
     *
     * @param weight   whether it is a weight quantizer
     * @param baseBits its base width
     * @return the raises (possibly empty)
     */
    public List<Integer> raisesFrom(boolean weight, int baseBits) {
        List<Integer> r = new ArrayList<>();
        for (int b : weight ? weightBits : activationBits) {
            if (b > baseBits) {
                r.add(b);
            }
        }
        if (weight ? weightFloat : activationFloat) {
            r.add(BitWidthVariants.FLOAT);
        }
        return r;
    }

    /** The list as {@link #parse} reads it. */
    public String text() {
        List<String> t = new ArrayList<>();
        weightBits.forEach(b -> t.add("w" + b));
        activationBits.forEach(b -> t.add("a" + b));
        if (weightFloat && activationFloat) {
            t.add("float");
        } else if (weightFloat) {
            t.add("wfloat");
        } else if (activationFloat) {
            t.add("afloat");
        }
        return String.join(",", t);
    }
}
