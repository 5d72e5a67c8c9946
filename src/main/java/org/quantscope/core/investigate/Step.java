package org.quantscope.core.investigate;

import org.quantscope.core.analysis.Remedy;
import org.quantscope.core.config.QuantConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step taken: what it measured, what it decided and why, and the configuration and accuracy after it.
 *
 * @param id            which step
 * @param status        how it ended
 * @param finding       what the measurement showed, in plain words with its numbers
 * @param decision      what was done (the recommendation), in plain words
 * @param reason        why, with the rule and its threshold relative to the target
 * @param applied       the remedies kept (empty unless {@link StepStatus#APPLIED})
 * @param candidates    every remedy the step measured, kept or not
 * @param after         accuracy after the step (null for a step that measured nothing)
 * @param configuration the configuration after the step
 * @param evidence      the figures the decision rests on (JSON-ready: numbers, strings, lists and maps of them)
 * @param detail        the full result behind the evidence (a simulation, diagnosis, reliability or mixed-precision
 *                      result) for charts in the window; null when none, and not saved
 */
public record Step(StepId id, StepStatus status, String finding, String decision, String reason,
                   List<Remedy> applied, List<Candidate> candidates, Measurement after, QuantConfig configuration,
                   Map<String, Object> evidence, Object detail) {

    /** Copies. */
    public Step {
        applied = List.copyOf(applied);
        candidates = List.copyOf(candidates);
        evidence = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /**
     * This step with another of its candidates kept instead of the recommended one (the wizard's "choose another
     * remedy"); nothing is measured again.
     *
     * @param index the candidate
     * @return the step with that remedy applied
     */
    public Step choose(int index) {
        Candidate c = candidates.get(index);
        return new Step(id, StepStatus.APPLIED, finding, "Applied " + c.remedy().describe() + " (chosen by the user)",
                String.format(java.util.Locale.ROOT, "measured: %+.2f points", c.gain()), List.of(c.remedy()),
                candidates, c.measurement(), c.configuration(), evidence, detail);
    }

    /** This step with another finding. */
    public Step withFinding(String f) {
        return new Step(id, status, f, decision, reason, applied, candidates, after, configuration, evidence, detail);
    }

    /**
     * This step skipped by the user: the configuration and accuracy stay as before it.
     *
     * @param before the configuration before the step
     * @param was    the accuracy before the step
     * @return the skipped step
     */
    public Step skip(QuantConfig before, Measurement was) {
        return new Step(id, StepStatus.SKIPPED, finding, "Skipped", "skipped by the user", List.of(), candidates, was,
                before, evidence, detail);
    }
}
