package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.PreprocessingOptions;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.ScaleConstraint;
import org.quantscope.core.quant.ScaleConvention;
import org.quantscope.core.sim.ActivationPlacement;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.HardwarePreset;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizerOverride;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.config.QuantConfigJson;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quantization and calibration options shared by {@code quantize} (and the analyses built on it). Options a
 * preset fixes are {@code null} unless given, so a contradiction between {@code --preset} and an explicit flag can be
 * reported instead of silently resolved.
 */
final class QuantOptions {

    @Option(names = "--calib-data", paramLabel = "CALIB",
            description = "Calibration pool (same formats as --data; labels optional). Default with --demo: the "
                    + "bundled 5,000-image calibration pool.")
    Path calibData;

    @Option(names = "--calib-labels", paramLabel = "LABELS", description = "Labels of the calibration pool (only "
            + "needed for --calib-sampling stratified).")
    Path calibLabels;

    @Option(names = "--calib-size", paramLabel = "N", defaultValue = "256",
            description = "Calibration samples drawn from the pool (default ${DEFAULT-VALUE}).")
    int calibSize;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the calibration draw "
            + "(default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--calib-sampling", paramLabel = "MODE", defaultValue = "random",
            description = "random, stratified (equal share per class) or first (the first N of the pool); default "
                    + "${DEFAULT-VALUE}.")
    String calibSampling;

    @Option(names = "--calib-batch", paramLabel = "B", defaultValue = "64",
            description = "Calibration batch size (default ${DEFAULT-VALUE}); memory grows with it, not with N.")
    int calibBatch;

    @Option(names = "--preset", paramLabel = "P", description = "Hardware preset: academic, tensorrt, snpe, fbgemm, "
            + "tvm, acl (see docs/presets.md).")
    String preset;

    @Option(names = "--w-bits", paramLabel = "B", defaultValue = "8", description = "Weight bits, 2-16 (default 8).")
    int weightBits;

    @Option(names = "--a-bits", paramLabel = "B", defaultValue = "8",
            description = "Activation bits, 2-16 (default 8).")
    int activationBits;

    @Option(names = "--w-granularity", paramLabel = "G", description = "per-tensor (default) or per-channel.")
    String weightGranularity;

    @Option(names = "--w-symmetry", paramLabel = "S", description = "symmetric (default, int8) or asymmetric (uint8).")
    String weightSymmetry;

    @Option(names = "--a-symmetry", paramLabel = "S",
            description = "asymmetric (default, uint8) or symmetric (int8).")
    String activationSymmetry;

    @Option(names = "--scale-type", paramLabel = "T", description = "float (default) or pot (power-of-two).")
    String scaleType;

    @Option(names = "--placement", paramLabel = "P",
            description = "Which activations are quantized: network (default), tensorrt, layer-inputs.")
    String placement;

    @Option(names = "--no-bn-fold", description = "Keep BatchNormalization in float instead of folding it.")
    Boolean noBnFold;

    @Option(names = "--a-range", paramLabel = "M", defaultValue = "minmax",
            description = "Activation range: minmax, percentile, mse, kl, cosine, ce, bn (default ${DEFAULT-VALUE}).")
    String activationRange;

    @Option(names = "--w-range", paramLabel = "M", defaultValue = "minmax",
            description = "Weight range: minmax or mse (default ${DEFAULT-VALUE}).")
    String weightRange;

    @Option(names = "--scale-convention", paramLabel = "C", defaultValue = "onnx",
            description = "onnx (default: max/127, x/s) or pytorch (max/127.5, x*(1/s), as torch.ao observers).")
    String convention;

    @Option(names = "--bias", paramLabel = "B", defaultValue = "float",
            description = "Biases: float (default) or int32 (scale s_w*s_in).")
    String bias;

    @Option(names = "--cle", description = "Cross-layer equalization (white paper §4.1) after BN folding. ReLU6 "
            + "between equalized layers keeps the FP32 function: each channel's bound 6 becomes 6/s (see --cle-relu6).")
    boolean cle;

    @Option(names = "--cle-relu6", paramLabel = "M",
            description = "With --cle, what happens to ReLU6 (Clip(0, b)) between two equalized layers: exact "
                    + "(default: a bound per channel, Relu followed by Min; FP32 unchanged), relu (replace it by "
                    + "ReLU as the white paper does; the FP32 effect is reported) or skip (leave those pairs alone).")
    String cleRelu6;

    @Option(names = "--bias-absorption", description = "With --cle: absorb high biases into the next layer (white "
            + "paper eq. 23-24, c = max(0, beta - 3 |gamma|) from the BatchNorm statistics), only where that is exact: "
            + "c capped by the smallest pre-activation seen on the calibration samples (one extra pass over them) and "
            + "by a per-channel ReLU6 bound; never into a layer that pads its input.")
    boolean biasAbsorption;

    @Option(names = "--bias-correction", paramLabel = "M",
            description = "Correct the mean shift the weight quantization causes in each layer's output (white paper "
                    + "§3.3): empirical (eq. 27, measured on the calibration samples) or analytic (eq. 28, from the "
                    + "BatchNorm statistics of the layer feeding it).")
    String biasCorrection;

    @Option(names = "--adaround", description = "AdaRound (white paper §3.4, eq. 32-35): learn each weight's "
            + "rounding layer by layer on calibration samples instead of rounding to nearest.")
    boolean adaround;

    @Option(names = "--adaround-iters", paramLabel = "N",
            description = "AdaRound iterations per layer (default 10000, the paper's; a few hundred for a live demo).")
    Integer adaroundIters;

    @Option(names = "--adaround-samples", paramLabel = "N",
            description = "Calibration samples AdaRound learns from (default 1024), drawn from the calibration pool "
                    + "with --calib-sampling and --seed.")
    Integer adaroundSamples;

    @Option(names = "--adaround-lr", paramLabel = "R",
            description = "Adam learning rate of AdaRound's rounding variables (default 0.01; the paper leaves it open).")
    Double adaroundLr;

    @Option(names = "--disable", paramLabel = "NAME", split = ",",
            description = "Leave these quantizers in float (names as listed in the quantizer table), or every "
                    + "quantizer of a layer (its node name, as diagnose lists it: float fallback); 'weights' or "
                    + "'activations' disables a whole kind.")
    List<String> disable = new ArrayList<>();

    @Option(names = "--override", paramLabel = "NAME:K=V,...",
            description = "Per-quantizer settings, e.g. features.3.weight:bits=8,granularity=per-channel or "
                    + "logits:range=ce. Keys: bits, granularity, range.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE",
            description = "Start from a configuration file (docs/configuration.md), or from a result JSON of quantize, "
                    + "diagnose or reliability (its provenance.configuration): scheme, overrides, calibration draw and "
                    + "fixes. Flags given beside it override its fields.")
    Path config;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private QuantConfig merged;

    /** The post-training fixes: the flags', or the configuration file's with the flags given beside it applied. */
    org.quantscope.core.transform.PtqPipeline.Fixes fixes() {
        return configuration().fixes();
    }

    /** How the calibration set is drawn: the flags', or the configuration file's with the flags applied. */
    CalibrationSettings calibration() {
        return configuration().calibration();
    }

    /** The quantizer settings without {@code --disable}: the flags', or the file's with the flags applied. */
    QuantSettings settings() {
        return configuration().scheme();
    }

    /**
     * The configuration of this run: from the flags, or from {@code --config} with every flag given on the command
     * line replacing the field it sets (a flag left at its default does not).
     */
    QuantConfig configuration() {
        if (merged != null) {
            return merged;
        }
        if (config == null) {
            QuantConfig c = new QuantConfig(flagSettings(), flagCalibration(), null, flagFixes());
            org.quantscope.core.transform.PtqPipeline.checkCombination(c.scheme(), c.fixes());
            merged = c;
            return merged;
        }
        QuantConfig base = QuantConfigJson.read(config);
        QuantSettings d = base.scheme();
        if (given("--preset")) {
            flagSettings(); // reports a preset contradicted by a flag given beside it
            d = HardwarePreset.byName(preset).apply(d);
        }
        if (given("--w-bits")) {
            checkBits("--w-bits", weightBits);
        }
        if (given("--a-bits")) {
            checkBits("--a-bits", activationBits);
        }
        Map<String, QuantizerOverride> ov = new LinkedHashMap<>(d.overrides());
        ov.putAll(overrideMap());
        QuantSettings s = new QuantSettings(given("--w-bits") ? weightBits : d.weightBits(),
                given("--a-bits") ? activationBits : d.activationBits(),
                given("--w-granularity") ? granularity(weightGranularity) : d.weightGranularity(),
                given("--w-symmetry") ? symmetric(weightSymmetry, "--w-symmetry") : d.weightSymmetric(),
                given("--a-symmetry") ? symmetric(activationSymmetry, "--a-symmetry") : d.activationSymmetric(),
                d.adaptiveActivationSign(), given("--scale-type") ? scaleType(scaleType) : d.scaleConstraint(),
                given("--scale-convention") ? convention(convention) : d.convention(),
                given("--w-range") ? weightRange : d.weightRange(),
                given("--a-range") ? activationRange : d.activationRange(),
                !given("--no-bn-fold") && d.foldBatchNorm(), given("--placement") ? placement(placement) : d.placement(),
                given("--bias") ? biasInt32(bias) : d.biasInt32(), d.preset(), ov);
        CalibrationSettings k = base.calibration() != null ? base.calibration() : CalibrationSettings.DEFAULT;
        if (given("--calib-size") && calibSize < 1) {
            throw new InputException("--calib-size must be at least 1, got " + calibSize + ".");
        }
        k = new CalibrationSettings(given("--calib-size") ? calibSize : k.size(), given("--seed") ? seed : k.seed(),
                given("--calib-sampling") ? sampling(calibSampling) : k.sampling(),
                given("--calib-batch") ? calibBatch : k.batchSize());
        org.quantscope.core.transform.PtqPipeline.Fixes f = base.fixes();
        org.quantscope.core.transform.AdaRoundSettings ada = f.adaround();
        if (given("--adaround") && ada == null) {
            ada = org.quantscope.core.transform.AdaRoundSettings.DEFAULT.withSeed(k.seed());
        }
        if ((adaroundIters != null || adaroundSamples != null || adaroundLr != null) && ada == null) {
            throw new InputException("--adaround-iters, --adaround-samples and --adaround-lr tune AdaRound, which "
                    + "neither " + config + " nor --adaround turns on");
        }
        if (ada != null) {
            ada = adaroundIters != null ? ada.withIterations(adaroundIters) : ada;
            ada = adaroundSamples != null ? ada.withSamples(adaroundSamples) : ada;
            ada = adaroundLr != null ? ada.withLearningRate(adaroundLr) : ada;
            ada = given("--seed") ? ada.withSeed(seed) : ada;
        }
        String bc = given("--bias-correction") ? biasCorrection.trim().toLowerCase(Locale.ROOT) : f.biasCorrection();
        try {
            merged = new QuantConfig(s, k, base.calibrationPool(), new org.quantscope.core.transform.PtqPipeline.Fixes(
                    f.cle() || cle, f.biasAbsorption() || biasAbsorption, bc, ada,
                    given("--cle-relu6") ? relu6Handling(cleRelu6) : f.relu6()));
        } catch (InputException e) {
            throw new InputException(config + " with the flags given beside it: " + e.template(), e);
        }
        try {
            org.quantscope.core.transform.PtqPipeline.checkCombination(merged.scheme(), merged.fixes());
        } catch (InputException e) {
            merged = null;
            throw new InputException(config + " with the flags given beside it: " + e.template(), e);
        }
        return merged;
    }

    /** Whether a flag was given on the command line (a default value does not count). */
    private boolean given(String flag) {
        if (mixee == null || mixee.commandLine() == null || mixee.commandLine().getParseResult() == null) {
            return false;
        }
        return mixee.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /** The post-training fixes the flags ask for, checked (messages name the flags). */
    private org.quantscope.core.transform.PtqPipeline.Fixes flagFixes() {
        // which fixes combine is decided by core (PtqPipeline.Fixes, PtqPipeline.checkCombination); here only what
        // is about the flags themselves
        if (cleRelu6 != null && !cle) {
            throw new InputException("--cle-relu6 says how cross-layer equalization treats ReLU6; give --cle too");
        }
        CrossLayerEqualization.Relu6Handling relu6 = relu6Handling(cleRelu6);
        String bc = biasCorrection == null ? null : biasCorrection.trim().toLowerCase(Locale.ROOT);
        if (bc != null && !bc.equals("empirical") && !bc.equals("analytic")) {
            throw new InputException("--bias-correction must be empirical (eq. 27, from calibration data) or "
                    + "analytic (eq. 28, from BN statistics), got '" + biasCorrection + "'");
        }
        if ((adaroundIters != null || adaroundSamples != null || adaroundLr != null) && !adaround) {
            throw new InputException("--adaround-iters, --adaround-samples and --adaround-lr tune AdaRound; give "
                    + "--adaround too");
        }
        org.quantscope.core.transform.AdaRoundSettings ada = null;
        if (adaround) {
            if (adaroundIters != null && adaroundIters < 1) {
                throw new InputException("--adaround-iters must be at least 1, got " + adaroundIters);
            }
            if (adaroundSamples != null && adaroundSamples < 1) {
                throw new InputException("--adaround-samples must be at least 1, got " + adaroundSamples);
            }
            ada = org.quantscope.core.transform.AdaRoundSettings.DEFAULT.withSeed(seed);
            if (adaroundIters != null) {
                ada = ada.withIterations(adaroundIters);
            }
            if (adaroundSamples != null) {
                ada = ada.withSamples(adaroundSamples);
            }
            if (adaroundLr != null) {
                if (!(adaroundLr > 0)) {
                    throw new InputException("--adaround-lr must be positive, got " + adaroundLr);
                }
                ada = ada.withLearningRate(adaroundLr);
            }
        }
        return new org.quantscope.core.transform.PtqPipeline.Fixes(cle, biasAbsorption, bc, ada, relu6);
    }

    private static CrossLayerEqualization.Relu6Handling relu6Handling(String text) {
        if (text == null) {
            return CrossLayerEqualization.Relu6Handling.EXACT;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "exact" -> CrossLayerEqualization.Relu6Handling.EXACT;
            case "relu" -> CrossLayerEqualization.Relu6Handling.REPLACE_WITH_RELU;
            case "skip" -> CrossLayerEqualization.Relu6Handling.SKIP;
            default -> throw new InputException("--cle-relu6 must be exact, relu or skip, got '" + text + "'");
        };
    }

    /** The calibration pool spec; the demo pool with {@code --demo}. */
    DataSpec calibSpec(boolean demo, DataOptions data) {
        Path d = calibData;
        Path l = calibLabels;
        Path desc = data.description;
        if (d == null && demo) {
            DemoAssets a = DemoAssets.locate();
            d = a.calibImages();
            l = l == null ? a.calibLabels() : l;
            desc = desc == null ? a.datasetDescription() : desc;
        }
        if (d == null) {
            throw new InputException("No calibration data given: pass --calib-data FILE (a pool of samples like "
                    + "the training data), or --demo for the bundled calibration pool.");
        }
        String text = d.toString();
        boolean exists = java.nio.file.Files.exists(d) || text.lastIndexOf(':') > 0
                && java.nio.file.Files.exists(java.nio.file.Path.of(text.substring(0, text.lastIndexOf(':'))));
        if (calibData != null && !exists) {
            throw new InputException("--calib-data " + calibData + " does not exist; expected a calibration pool "
                    + "(.npy, .npz, IDX or an image folder).");
        }
        return new DataSpec(d, l, desc, data.classNames, new PreprocessingOptions(data.scale, data.mean, data.std,
                data.color, data.normalizeFloat ? Boolean.TRUE : null, data.resize, data.crop), 0, data.skipBadFiles,
                data.decodeThreads);
    }

    private CalibrationSettings flagCalibration() {
        if (calibSize < 1) {
            throw new InputException("--calib-size must be at least 1, got " + calibSize + ".");
        }
        return new CalibrationSettings(calibSize, seed, sampling(calibSampling), calibBatch);
    }

    /** The settings the flags give, with the preset applied and contradictions reported. */
    private QuantSettings flagSettings() {
        QuantSettings d = QuantSettings.DEFAULT;
        Granularity g = weightGranularity == null ? d.weightGranularity() : granularity(weightGranularity);
        boolean ws = weightSymmetry == null ? d.weightSymmetric() : symmetric(weightSymmetry, "--w-symmetry");
        boolean as = activationSymmetry == null ? d.activationSymmetric()
                : symmetric(activationSymmetry, "--a-symmetry");
        ScaleConstraint sc = scaleType == null ? d.scaleConstraint() : scaleType(scaleType);
        ActivationPlacement pl = placement == null ? d.placement() : placement(placement);
        boolean fold = noBnFold == null || !noBnFold;
        checkBits("--w-bits", weightBits);
        checkBits("--a-bits", activationBits);
        if (preset == null) {
            return new QuantSettings(weightBits, activationBits, g, ws, as, false, sc, convention(convention),
                    weightRange, activationRange, fold, pl, biasInt32(bias), "custom", overrideMap());
        }
        // the preset replaces the scheme; build the rest on the default scheme, so that a flag agreeing with the
        // preset (--preset tvm --scale-type pot) is not judged against the defaults
        QuantSettings s = new QuantSettings(weightBits, activationBits, d.weightGranularity(), d.weightSymmetric(),
                d.activationSymmetric(), false, d.scaleConstraint(), convention(convention), weightRange,
                activationRange, true, d.placement(), biasInt32(bias), "custom", overrideMap());
        HardwarePreset p = HardwarePreset.byName(preset);
        List<String> clash = new ArrayList<>();
        if (weightGranularity != null && g != p.weightGranularity()) {
            clash.add("--w-granularity " + weightGranularity + " (preset: " + name(p.weightGranularity()) + ")");
        }
        if (weightSymmetry != null && ws != p.weightSymmetric()) {
            clash.add("--w-symmetry " + weightSymmetry + " (preset: " + sym(p.weightSymmetric()) + ")");
        }
        if (activationSymmetry != null && as != p.activationSymmetric()) {
            clash.add("--a-symmetry " + activationSymmetry + " (preset: " + sym(p.activationSymmetric()) + ")");
        }
        if (scaleType != null && sc != p.scaleConstraint()) {
            clash.add("--scale-type " + scaleType + " (preset: "
                    + (p.scaleConstraint() == ScaleConstraint.POWER_OF_TWO ? "pot" : "float") + ")");
        }
        if (placement != null && pl != p.placement()) {
            clash.add("--placement " + placement + " (preset: " + name(p.placement()) + ")");
        }
        if (noBnFold != null && noBnFold == p.foldBatchNorm()) {
            clash.add("--no-bn-fold (preset " + p.id() + " " + (p.foldBatchNorm() ? "folds" : "keeps") + " BN)");
        }
        if (!clash.isEmpty()) {
            throw new InputException("--preset " + p.id() + " (" + p.summary() + ") is contradicted by "
                    + String.join(", ", clash) + ". Drop the preset to set these yourself, or drop the flags.");
        }
        return p.apply(s);
    }

    private Map<String, QuantizerOverride> overrideMap() {
        Map<String, QuantizerOverride> m = new LinkedHashMap<>();
        for (String o : overrides) {
            int colon = o.lastIndexOf(':');
            if (colon <= 0 || colon == o.length() - 1) {
                throw new InputException("--override '" + o + "' must look like NAME:bits=4,range=mse");
            }
            String name = o.substring(0, colon);
            Integer bits = null;
            Granularity g = null;
            String range = null;
            for (String kv : o.substring(colon + 1).split(",")) {
                String[] p = kv.split("=", 2);
                if (p.length != 2) {
                    throw new InputException("--override '" + o + "': '" + kv + "' is not KEY=VALUE");
                }
                switch (p[0].trim().toLowerCase(Locale.ROOT)) {
                    case "bits" -> bits = parseInt(p[1], "--override " + name + " bits");
                    case "granularity" -> g = granularity(p[1]);
                    case "range" -> range = p[1].trim();
                    default -> throw new InputException("--override '" + o + "': unknown key '" + p[0]
                            + "'; use bits, granularity or range");
                }
            }
            m.put(name, new QuantizerOverride(true, bits, g, range));
        }
        return m;
    }

    /**
     * The settings for a model: {@link #settings()} plus the {@code --disable} entries (names, or the keywords
     * {@code weights} / {@code activations}), checked against the model before any data is read.
     */
    QuantSettings settingsFor(org.quantscope.core.onnx.OnnxModel model) {
        QuantSettings s = settings();
        if (!disable.isEmpty()) {
            List<org.quantscope.core.sim.QuantizerSite> sites =
                    org.quantscope.core.sim.QuantizationSimulator.sites(model, s);
            for (String d : disable) {
                String name = d.trim();
                if (name.equalsIgnoreCase("weights") || name.equalsIgnoreCase("activations")) {
                    boolean weights = name.equalsIgnoreCase("weights");
                    s = s.disabling(sites.stream().filter(x -> x.isWeight() == weights).toList());
                } else if (sites.stream().anyMatch(x -> x.name().equals(name))) {
                    s = s.withOverride(name, QuantizerOverride.DISABLED);
                } else if (sites.stream().anyMatch(x -> name.equals(x.layer()))) {
                    s = s.disabling(sites.stream().filter(x -> name.equals(x.layer())).toList()); // float fallback
                } else {
                    throw new InputException("--disable " + name + ": " + model.path().getFileName() + " has no "
                            + "quantizer of that name; list them with 'quantscope quantize --list-quantizers'.");
                }
            }
        }
        org.quantscope.core.sim.QuantizationSimulator.plan(model, s);
        return s;
    }

    private static void checkBits(String flag, int bits) {
        if (bits < 2 || bits > 16) {
            throw new InputException(flag + " must be between 2 and 16, got " + bits);
        }
    }

    private static int parseInt(String v, String what) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InputException(what + " must be an integer, got '" + v + "'");
        }
    }

    static Granularity granularity(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "per-tensor", "tensor" -> Granularity.PER_TENSOR;
            case "per-channel", "channel" -> Granularity.PER_CHANNEL;
            default -> throw new InputException("granularity must be per-tensor or per-channel, got '" + v + "'");
        };
    }

    private static boolean symmetric(String v, String flag) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "symmetric", "sym" -> true;
            case "asymmetric", "asym", "affine" -> false;
            default -> throw new InputException(flag + " must be symmetric or asymmetric, got '" + v + "'");
        };
    }

    private static ScaleConstraint scaleType(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "float", "fp32", "free" -> ScaleConstraint.FREE;
            case "pot", "power-of-two" -> ScaleConstraint.POWER_OF_TWO;
            default -> throw new InputException("--scale-type must be float or pot, got '" + v + "'");
        };
    }

    private static ActivationPlacement placement(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "network" -> ActivationPlacement.NETWORK;
            case "tensorrt" -> ActivationPlacement.TENSORRT;
            case "layer-inputs" -> ActivationPlacement.LAYER_INPUTS;
            default -> throw new InputException("--placement must be network, tensorrt or layer-inputs, got '" + v
                    + "'");
        };
    }

    private static ScaleConvention convention(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "onnx" -> ScaleConvention.ONNX;
            case "pytorch", "torch" -> ScaleConvention.PYTORCH;
            default -> throw new InputException("--scale-convention must be onnx or pytorch, got '" + v + "'");
        };
    }

    private static boolean biasInt32(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "float", "fp32" -> false;
            case "int32" -> true;
            default -> throw new InputException("--bias must be float or int32, got '" + v + "'");
        };
    }

    private static CalibrationSampler.Strategy sampling(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "random" -> CalibrationSampler.Strategy.RANDOM;
            case "stratified" -> CalibrationSampler.Strategy.STRATIFIED;
            case "first" -> CalibrationSampler.Strategy.FIRST;
            default -> throw new InputException("--calib-sampling must be random, stratified or first, got '" + v
                    + "'");
        };
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String sym(boolean s) {
        return s ? "symmetric" : "asymmetric";
    }
}
