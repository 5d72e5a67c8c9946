package org.quantscope.core.investigate;

/**
 * The steps of the investigation, in the order they are taken. Each has its JSON id (a public interface: scripts
 * read {@code steps[].id}), a title and the source it comes from.
 */
public enum StepId {
    /** All quantizers off reproduces FP32. */
    SANITY("sanity", "FP32 sanity check", "white paper §3.7 (Fig. 9, first box)"),
    /** The user's settings as they are. */
    BASELINE("baseline", "Baseline quantization", "white paper §4 (Fig. 8)"),
    /** Weights alone versus activations alone. */
    SPLIT("split", "Weights or activations", "white paper §3.7 (Fig. 9)"),
    /** Per-channel weights. */
    PER_CHANNEL("per-channel", "Per-channel weights", "white paper §2.4 and §3.7"),
    /** Cross-layer equalization with bias absorption. */
    CLE("cle", "Cross-layer equalization", "white paper §3.2 (eq. 19-22), §3.7"),
    /** Empirical bias correction. */
    BIAS_CORRECTION("bias-correction", "Bias correction", "white paper §3.2 (eq. 27), §3.7"),
    /** Learned rounding. */
    ADAROUND("adaround", "AdaRound", "white paper §3.3; oscillation: Ma et al. 2023, Theorem 1"),
    /** Range-setting methods for the activations. */
    ACTIVATION_RANGE("activation-range", "Activation range setting", "white paper §3.1, §3.7"),
    /** Per-quantizer remedies for the layers still over the threshold. */
    LAYER_REMEDIES("layer-remedies", "Per-layer remedies", "white paper §3.7 (per-layer analysis); Chenna et al."),
    /** Mixed-precision search. */
    MIXED_PRECISION("mixed-precision", "Mixed precision", "white paper §3.7; MQBench"),
    /** Per-class drop over calibration seeds. */
    RELIABILITY("reliability", "Reliability over calibration seeds", "Yuan et al. 2023"),
    /** Met or not, and why. */
    VERDICT("verdict", "Verdict", "white paper §3.7 (Fig. 9, last box: QAT)");

    private final String id;
    private final String title;
    private final String source;

    StepId(String id, String title, String source) {
        this.id = id;
        this.title = title;
        this.source = source;
    }

    /** The JSON id. */
    public String id() {
        return id;
    }

    /** The title shown to users. */
    public String title() {
        return title;
    }

    /** The paper section the step comes from. */
    public String source() {
        return source;
    }

    /** Whether the step changes the configuration when applied (a fix), rather than measuring it. */
    public boolean isFix() {
        return switch (this) {
            case PER_CHANNEL, CLE, BIAS_CORRECTION, ADAROUND, ACTIVATION_RANGE, LAYER_REMEDIES, MIXED_PRECISION -> true;
            default -> false;
        };
    }

    /** The step after this one, or null after the verdict. */
    public StepId following() {
        return ordinal() + 1 < values().length ? values()[ordinal() + 1] : null;
    }

    /**
     * The step of a JSON id.
     *
     * @param id the id
     * @return the step
     * @throws IllegalArgumentException for an unknown id
     */
    public static StepId of(String id) {
        for (StepId s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown step '" + id + "'");
    }
}
