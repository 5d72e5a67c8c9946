package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.reliability.Condition;
import org.quantscope.core.reliability.Configuration;
import org.quantscope.core.reliability.Perturbation;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.reliability.ReliabilitySettings;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.report.ReliabilityJson;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The options of {@code reliability} beyond those of {@code quantize}: trials, perturbation, comparison, continue. */
final class ReliabilityOptions {

    private static final Set<String> CALIBRATION_FLAGS = Set.of("--calib-data", "--calib-labels", "--calib-size",
            "--seed", "--calib-sampling", "--calib-batch");

    @Option(names = "--trials", paramLabel = "K", defaultValue = "50",
            description = "Calibration seeds (trials) per condition (default ${DEFAULT-VALUE}); with --continue, how "
                    + "many more to run. Trial t uses seed --seed + t.")
    int trials;

    @Option(names = "--perturb", paramLabel = "WHAT",
            description = "Vary one thing, one set of boxes per level: size (--sizes), noise (--noise-share), "
                    + "imbalance (--imbalance-class, --imbalance-share) or metric (--metrics).")
    String perturb;

    @Option(names = "--sizes", paramLabel = "N,...", split = ",", defaultValue = "1,32,256,1024",
            description = "--perturb size: calibration sizes (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--noise-share", paramLabel = "P,...", split = ",", defaultValue = "0,0.1,0.5",
            description = "--perturb noise: shares of each calibration set replaced by noise images (normal noise "
                    + "with the pool's per-channel mean and std), default ${DEFAULT-VALUE}.")
    List<Double> noiseShares;

    @Option(names = "--imbalance-class", paramLabel = "C,...", split = ",", defaultValue = "0",
            description = "--perturb imbalance: the class(es) calibration is skewed to, by name or index (default "
                    + "${DEFAULT-VALUE}); each is compared with the balanced draw.")
    List<String> imbalanceClasses;

    @Option(names = "--imbalance-share", paramLabel = "P", defaultValue = "0.5",
            description = "--perturb imbalance: that class's share of the calibration set, the rest drawn from the "
                    + "other classes (default ${DEFAULT-VALUE}, as the paper; 1 = calibrate on one class only).")
    double imbalanceShare;

    @Option(names = "--metrics", paramLabel = "M,...", split = ",", defaultValue = "minmax,mse,cosine,kl",
            description = "--perturb metric: activation range methods (default ${DEFAULT-VALUE}).")
    List<String> metrics;

    @Option(names = "--compare-with", paramLabel = "OPTIONS",
            description = "Run the same trials on a second configuration and compare class by class, given as "
                    + "quantize options in one argument, e.g. --compare-with \"--cle\" or \"--w-granularity "
                    + "per-channel\" (calibration options come from the first configuration).")
    String compareWith;

    @Option(names = "--continue", paramLabel = "FILE.json",
            description = "Continue an earlier experiment from its --json: keep its trials and run --trials more "
                    + "seeds (the same options are required; the result equals one run with all the seeds).")
    Path continueFrom;

    @Option(names = "--parallel", paramLabel = "P", defaultValue = "0",
            description = "Trials run at once, each in its own ONNX Runtime session (0 = automatic: one per core).")
    int parallel;

    @Option(names = "--cache-mib", paramLabel = "M", defaultValue = "256",
            description = "Memory for test-set activations cached where trials share the graph (encodings equal in "
                    + "every matching trial), so those trials run only the rest; 0 = off (default ${DEFAULT-VALUE}).")
    long cacheMib;

    /** The activation cache in bytes. */
    long cacheBytes() {
        if (cacheMib < 0 || cacheMib > (1L << 20)) {
            throw new InputException("--cache-mib must be 0 (off) to " + (1L << 20) + ", got " + cacheMib + ".");
        }
        return cacheMib << 20;
    }

    /** The earlier result with {@code --continue}, or null. */
    ReliabilityResult previous() {
        if (trials < 1) {
            throw new InputException("--trials must be at least 1, got " + trials + ".");
        }
        if (continueFrom == null) {
            return null;
        }
        if (!Files.isRegularFile(continueFrom)) {
            throw new InputException("--continue " + continueFrom + " does not exist; give the --json file of an "
                    + "earlier 'quantscope reliability' run.");
        }
        return ReliabilityJson.read(continueFrom);
    }

    /** Trials at once. */
    int parallel() {
        if (parallel < 0) {
            throw new InputException("--parallel must be 0 (automatic) or positive, got " + parallel + ".");
        }
        return parallel > 0 ? parallel : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The configuration of the quantize options, and the second one of {@code --compare-with}. */
    List<Configuration> configurations(QuantOptions quant, OnnxModel model) {
        QuantSettings a = quant.settingsFor(model);
        PtqPipeline.Fixes fa = quant.fixes();
        List<Configuration> out = new ArrayList<>();
        if (compareWith == null) {
            out.add(new Configuration(label(a, fa), a, fa));
            return out;
        }
        CompareHolder holder = new CompareHolder();
        CommandLine cl = new CommandLine(holder);
        CommandLine.ParseResult parsed;
        try {
            parsed = cl.parseArgs(ReliabilityCommand.tokens(compareWith).toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            throw new InputException("--compare-with \"" + compareWith + "\": " + e.getMessage()
                    + " (give quantize options such as \"--cle\" or \"--w-granularity per-channel\")");
        }
        for (CommandLine.Model.OptionSpec o : parsed.matchedOptions()) {
            if (CALIBRATION_FLAGS.contains(o.longestName())) {
                throw new InputException("--compare-with: " + o.longestName() + " is a calibration option; both "
                        + "configurations are calibrated on the same draws, set it outside --compare-with");
            }
        }
        QuantSettings b = holder.quant.settingsFor(model);
        PtqPipeline.Fixes fb = holder.quant.fixes();
        String la = label(a, fa);
        String lb = label(b, fb);
        if (la.equals(lb)) {
            la = la + " (A)";
            lb = lb + " (B: " + compareWith.trim() + ")";
        }
        out.add(new Configuration(la, a, fa));
        out.add(new Configuration(lb, b, fb));
        return out;
    }

    /** The experiment's settings; conditions are checked against the pool. */
    ReliabilitySettings settings(QuantOptions quant, Dataset pool, int parallelTrials) {
        CalibrationSettings cal = quant.calibration();
        Perturbation p = Perturbation.parse(perturb);
        checkBelongs(p, Perturbation.SIZE, "--sizes", !sizes.equals(List.of(1, 32, 256, 1024)));
        checkBelongs(p, Perturbation.NOISE, "--noise-share", !noiseShares.equals(List.of(0.0, 0.1, 0.5)));
        checkBelongs(p, Perturbation.IMBALANCE, "--imbalance-class", !imbalanceClasses.equals(List.of("0")));
        checkBelongs(p, Perturbation.IMBALANCE, "--imbalance-share", imbalanceShare != 0.5);
        checkBelongs(p, Perturbation.METRIC, "--metrics", !metrics.equals(List.of("minmax", "mse", "cosine", "kl")));
        int n = cal.size();
        List<Condition> conditions = switch (p) {
            case NONE -> List.of(Condition.baseline(n));
            case SIZE -> {
                for (int s : sizes) {
                    if (s < 1) {
                        throw new InputException("--sizes: every calibration size must be at least 1, got " + s);
                    }
                }
                yield Perturbation.sizes(sizes);
            }
            case NOISE -> {
                for (double s : noiseShares) {
                    if (!(s >= 0 && s <= 1)) {
                        throw new InputException("--noise-share: shares must be between 0 and 1, got " + s);
                    }
                }
                yield Perturbation.noise(n, noiseShares);
            }
            case IMBALANCE -> {
                if (!(imbalanceShare > 0 && imbalanceShare <= 1)) {
                    throw new InputException("--imbalance-share must be above 0 and at most 1, got "
                            + imbalanceShare);
                }
                yield Perturbation.imbalance(n, classIndices(pool), pool.classNames(), imbalanceShare);
            }
            case METRIC -> {
                for (String m : metrics) {
                    if (!QuantSettings.ACTIVATION_METHODS.contains(m.trim().toLowerCase(Locale.ROOT))) {
                        throw new InputException("--metrics: unknown activation range method '" + m
                                + "'; choose from " + String.join(", ", QuantSettings.ACTIVATION_METHODS));
                    }
                }
                yield Perturbation.metrics(n, metrics);
            }
        };
        return new ReliabilitySettings(trials, cal.seed(), cal.sampling(), cal.batchSize(), p, conditions,
                parallelTrials);
    }

    /** A perturbation's own option given with another perturbation would be silently ignored: refuse it. */
    private static void checkBelongs(Perturbation chosen, Perturbation owner, String option, boolean given) {
        if (given && chosen != owner) {
            throw new InputException(option + " sets the levels of --perturb "
                    + owner.name().toLowerCase(Locale.ROOT) + "; give --perturb "
                    + owner.name().toLowerCase(Locale.ROOT) + " (or drop " + option + ")");
        }
    }

    private List<Integer> classIndices(Dataset pool) {
        List<String> names = pool.classNames();
        List<Integer> out = new ArrayList<>();
        for (String c : imbalanceClasses) {
            String t = c.trim();
            int i = names.indexOf(t);
            if (i < 0) {
                try {
                    i = Integer.parseInt(t);
                } catch (NumberFormatException e) {
                    i = -1;
                }
            }
            if (i < 0 || i >= names.size()) {
                throw new InputException("--imbalance-class '" + t + "' is not a class of " + pool.sourceName()
                        + "; classes are " + String.join(", ", names) + " (or their indices 0.."
                        + (names.size() - 1) + ")");
            }
            out.add(i);
        }
        return out;
    }

    /** A short label: bits, granularity, range method, fixes and overrides ({@link QuantConfig#label()}). */
    static String label(QuantSettings s, PtqPipeline.Fixes f) {
        return QuantConfig.of(s, f).label();
    }

    /** Parses the quantize options of {@code --compare-with}. */
    @CommandLine.Command(name = "--compare-with")
    static final class CompareHolder {
        @CommandLine.Mixin
        QuantOptions quant;
    }
}
