package org.quantscope.ui.quantize;

import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.quantscope.core.InputException;
import org.quantscope.core.transform.AdaRoundSettings;
import org.quantscope.core.transform.PtqPipeline;

import java.util.List;

/**
 * The post-training fixes of the quantization panel (white paper Fig. 8): cross-layer equalization, bias absorption,
 * bias correction and AdaRound, with AdaRound's iterations and samples. AdaRound starts at 1,000 iterations here (about
 * a minute on the demo) instead of the paper's 10,000, so it can be shown live; the field takes any count.
 */
public final class FixesForm {

    /** Bias correction choices. */
    public static final List<String> BIAS_CORRECTIONS = List.of("none", "empirical", "analytic");

    /** AdaRound iterations per layer the panel starts with. */
    public static final int DEFAULT_ADAROUND_ITERATIONS = 1000;

    private final BooleanProperty cle = new SimpleBooleanProperty(false);
    private final BooleanProperty biasAbsorption = new SimpleBooleanProperty(false);
    private final ObjectProperty<String> biasCorrection = new SimpleObjectProperty<>("none");
    private final BooleanProperty adaround = new SimpleBooleanProperty(false);
    private final ObjectProperty<Integer> adaroundIterations = new SimpleObjectProperty<>(DEFAULT_ADAROUND_ITERATIONS);
    private final ObjectProperty<Integer> adaroundSamples =
            new SimpleObjectProperty<>(AdaRoundSettings.DEFAULT.samples());

    FixesForm() {
        cle.addListener((o, was, on) -> {
            if (!on) {
                biasAbsorption.set(false);
            }
        });
    }

    /** Every property, for bindings that follow the fixes. */
    Observable[] dependencies() {
        return new Observable[] {cle, biasAbsorption, biasCorrection, adaround, adaroundIterations, adaroundSamples};
    }

    /**
     * The fixes the fields describe.
     *
     * @param seed seed of the calibration draw (AdaRound draws its samples with it)
     * @return the fixes
     * @throws InputException for a combination the pipeline refuses, or a missing AdaRound field
     */
    public PtqPipeline.Fixes fixes(long seed) {
        String bc = biasCorrection.get() == null || "none".equals(biasCorrection.get()) ? null : biasCorrection.get();
        AdaRoundSettings ada = null;
        if (adaround.get()) {
            if (adaroundIterations.get() == null || adaroundSamples.get() == null) {
                throw new InputException("Enter AdaRound's iterations and samples.");
            }
            ada = AdaRoundSettings.DEFAULT.withIterations(adaroundIterations.get())
                    .withSamples(adaroundSamples.get()).withSeed(seed);
        }
        return new PtqPipeline.Fixes(cle.get(), biasAbsorption.get() && cle.get(), bc, ada);
    }

    /** Cross-layer equalization. */
    public BooleanProperty cleProperty() {
        return cle;
    }

    /** Bias absorption (only with equalization: it is cleared when equalization is turned off). */
    public BooleanProperty biasAbsorptionProperty() {
        return biasAbsorption;
    }

    /** {@code none}, {@code empirical} or {@code analytic}. */
    public ObjectProperty<String> biasCorrectionProperty() {
        return biasCorrection;
    }

    /** AdaRound. */
    public BooleanProperty adaroundProperty() {
        return adaround;
    }

    /** AdaRound iterations per layer. */
    public ObjectProperty<Integer> adaroundIterationsProperty() {
        return adaroundIterations;
    }

    /** AdaRound calibration samples. */
    public ObjectProperty<Integer> adaroundSamplesProperty() {
        return adaroundSamples;
    }
}
