package org.quantscope.cli;

import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.ActivationPlacement;
import org.quantscope.core.sim.PlacementCheck;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizerSite;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.sim.SimulationResult;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import java.io.PrintWriter;

/** Plain-text tables of results for the terminal. */
final class ResultTables {

    private ResultTables() {
    }

    static void printEvaluation(PrintWriter out, EvaluationResult r, ClassTableOptions classes) {
        out.printf("Model      %s%n", r.provenance().modelPath());
        out.printf("Data       %s (%d samples)%n", r.provenance().data(), r.samples());
        out.printf("Accuracy   %.2f %%   (%d of %d correct)%n", 100 * r.accuracy(),
                Math.round(r.accuracy() * r.samples()), r.samples());
        out.printf("Speed      %.0f images/s (%.2f s)%n", r.imagesPerSecond(), r.seconds());
        out.println();
        ClassTables.printAccuracy(out, r, classes);
    }

    static void printSimulation(PrintWriter out, SimulationResult r, ClassTableOptions classes) {
        EvaluationResult f = r.fp32();
        EvaluationResult q = r.quantized();
        out.printf("Model      %s%n", r.provenance().modelPath());
        out.printf("Data       %s (%d samples)%n", r.provenance().data(), q.samples());
        out.printf("Calibration %s%n", r.model().calibrationData());
        out.printf("Settings   %s%n", settingsLine(r.model().settings()));
        out.println();
        out.printf("FP32       %.2f %%%n", 100 * f.accuracy());
        out.printf("Quantized  %.2f %%   (%.0f images/s)%n", 100 * q.accuracy(), q.imagesPerSecond());
        out.printf("Drop       %+.2f points   (predictions agree on %.2f %% of samples)%n", r.dropPoints(),
                100 * r.predictionAgreement());
        out.println();
        ClassTables.printDrops(out, f, q, r.perClassDropPoints(), classes);
        out.println();
        printQuantizers(out, r.model().quantizers());
        PlacementCheck.Result check = PlacementCheck.check(r.model());
        out.println();
        out.println(check.complete()
                ? String.format("Placement  complete: every input of the %d quantized layers comes from a quantizer",
                        check.computeLayers())
                : String.format("Placement  %d of %d quantized layers read float inputs (warnings below)",
                        check.floatInputs().size(), check.computeLayers()));
        if (r.model().settings().placement() == ActivationPlacement.LAYER_INPUTS) {
            out.println("           (graph 1: only layer inputs are quantized; Add, Mul, pool and other outputs that "
                    + "no layer reads stay float)");
        }
        Set<String> floatWarnings = new HashSet<>(check.warnings());
        for (String warning : r.model().warnings()) {
            out.println((floatWarnings.contains(warning) ? "warning: " : "note: ") + CliNames.text(warning));
        }
    }

    static void printQuantizers(PrintWriter out, List<QuantizerState> quantizers) {
        int w = Math.max(9, quantizers.stream().mapToInt(s -> s.site().name().length()).max().orElse(9) + 2);
        out.printf("%-4s %-" + w + "s %-10s %-13s %5s %-12s %-10s %13s %5s%n", "#", "quantizer", "kind", "role",
                "bits", "granularity", "range", "scale", "zp");
        int i = 1;
        for (QuantizerState s : quantizers) {
            String kind = s.site().isWeight() ? "weight" : "activation";
            if (!s.enabled()) {
                out.printf("%-4d %-" + w + "s %-10s %-13s %5s%n", i++, s.site().name(), kind, s.site().role(),
                        "off");
                continue;
            }
            boolean pc = s.spec().granularity() == Granularity.PER_CHANNEL;
            String scale = pc ? s.encoding().channels() + " scales" : String.format("%.6g", s.encoding().scale(0));
            String zp = pc ? "-" : String.valueOf(s.encoding().zeroPoint(0));
            out.printf("%-4d %-" + w + "s %-10s %-13s %5d %-12s %-10s %13s %5s%n", i++, s.site().name(), kind,
                    s.site().role(), s.spec().bits(), pc ? "per-channel" : "per-tensor", s.rangeMethod(), scale, zp);
        }
    }

    static void printQuantizerSites(PrintWriter out, List<QuantizerSite> sites, QuantSettings settings) {
        out.printf("Settings   %s%n%n", settingsLine(settings));
        int w = Math.max(9, sites.stream().mapToInt(s -> s.name().length()).max().orElse(9) + 2);
        out.printf("%-4s %-" + w + "s %-10s %-13s %5s %s%n", "#", "quantizer", "kind", "role", "bits", "node");
        int i = 1;
        for (QuantizerSite s : sites) {
            String bits = settings.enabled(s) ? String.valueOf(settings.spec(s).bits()) : "off";
            out.printf("%-4d %-" + w + "s %-10s %-13s %5s %s%n", i++, s.name(), s.isWeight() ? "weight" : "activation",
                    s.role(), bits, s.node());
        }
    }

    static String settingsLine(QuantSettings s) {
        java.util.Map<String, String> d = s.describe();
        return "W" + s.weightBits() + "A" + s.activationBits() + " " + d.get("weightGranularity") + " weights ("
                + (s.weightSymmetric() ? "symmetric" : "asymmetric") + ", " + d.get("weightRange") + "), "
                + (s.activationSymmetric() ? "symmetric" : "asymmetric") + " activations (" + d.get("activationRange")
                + "), " + d.get("scaleType") + " scales, " + d.get("scaleConvention") + " convention, preset "
                + s.preset() + ", placement " + d.get("placement") + ", BN " + (s.foldBatchNorm() ? "folded" : "kept")
                + ", bias " + d.get("bias") + overridesText(s);
    }

    private static String overridesText(QuantSettings s) {
        long off = s.overrides().values().stream().filter(o -> !o.enabled()).count();
        long changed = s.overrides().size() - off;
        return (off > 0 ? ", " + off + " quantizer(s) off" : "") + (changed > 0 ? ", " + changed + " overridden" : "");
    }
}
