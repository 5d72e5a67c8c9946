package org.quantscope.core.investigate;

import org.quantscope.core.config.QuantConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * An investigation as a value: its setup and the steps taken, in order. Going back to a step drops it and what came
 * after; choosing another remedy at the last step replaces it.
 *
 * @param setup what it starts from
 * @param steps the steps taken
 */
public record Investigation(InvestigationSetup setup, List<Step> steps) {

    /** Copies. */
    public Investigation {
        steps = List.copyOf(steps);
    }

    /** A new investigation with no step taken. */
    public static Investigation start(InvestigationSetup setup) {
        return new Investigation(setup, List.of());
    }

    /** The configuration now: after the last step, or the start. */
    public QuantConfig configuration() {
        return steps.isEmpty() ? setup.start() : steps.get(steps.size() - 1).configuration();
    }

    /** The latest accuracy measured, or null before the baseline. */
    public Measurement latest() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (steps.get(i).after() != null) {
                return steps.get(i).after();
            }
        }
        return null;
    }

    /** The baseline's accuracy, or null before it. */
    public Measurement baseline() {
        return step(StepId.BASELINE).map(Step::after).orElse(null);
    }

    /** The step taken with this id, if any. */
    public java.util.Optional<Step> step(StepId id) {
        return steps.stream().filter(s -> s.id() == id).findFirst();
    }

    /** The next step to take, or null when the verdict is in. */
    public StepId next() {
        return steps.isEmpty() ? StepId.SANITY : steps.get(steps.size() - 1).id().following();
    }

    /** Whether the verdict is in. */
    public boolean finished() {
        return next() == null;
    }

    /** Whether the latest accuracy meets the targets. */
    public boolean met() {
        Measurement m = latest();
        return m != null && setup.targets().met(m);
    }

    /** This investigation with one more step. */
    public Investigation with(Step s) {
        List<Step> l = new ArrayList<>(steps);
        l.add(s);
        return new Investigation(setup, l);
    }

    /** This investigation with its last step replaced (another remedy chosen, or skipped). */
    public Investigation replaceLast(Step s) {
        List<Step> l = new ArrayList<>(steps);
        l.set(l.size() - 1, s);
        return new Investigation(setup, l);
    }

    /**
     * Back to a step: it and every step after it are dropped, so that it is taken again next.
     *
     * @param id the step to take again
     * @return the shorter investigation (this one when the step was not taken)
     */
    public Investigation back(StepId id) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).id() == id) {
                return new Investigation(setup, steps.subList(0, i));
            }
        }
        return this;
    }
}
