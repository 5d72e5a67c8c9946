package org.quantscope.core.reliability;

import org.quantscope.core.Provenance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The trials of a reliability experiment, finished so far, with what they are compared against. Immutable; trials are
 * kept sorted by configuration, condition and trial number, so the same trials give the same tables and files
 * whatever order they finished in.
 *
 * @param classNames     class names, indexed by label
 * @param classCounts    test samples per class
 * @param fp32Accuracy   FP32 accuracy on the test data, in [0, 1]
 * @param fp32PerClass   FP32 accuracy per class, in [0, 1]
 * @param configurations the configurations' labels (one, or two for a comparison)
 * @param settings       trials, seeds, sampling and conditions
 * @param trials         finished trials
 * @param complete       false when the experiment was cancelled before every requested trial finished
 * @param provenance     model, data and every setting; {@link #experimentKey} compares experiments
 */
public record ReliabilityResult(List<String> classNames, int[] classCounts, double fp32Accuracy,
                                double[] fp32PerClass, List<String> configurations, ReliabilitySettings settings,
                                List<TrialResult> trials, boolean complete, Provenance provenance) {

    private static final Comparator<TrialResult> ORDER = Comparator.comparingInt(TrialResult::configuration)
            .thenComparingInt(TrialResult::condition).thenComparingInt(TrialResult::trial);

    /** Copies and sorts. */
    public ReliabilityResult {
        classNames = List.copyOf(classNames);
        classCounts = classCounts.clone();
        fp32PerClass = fp32PerClass.clone();
        configurations = List.copyOf(configurations);
        List<TrialResult> sorted = new ArrayList<>(trials);
        sorted.sort(ORDER);
        trials = List.copyOf(sorted);
    }

    /** FP32 accuracy per class (a copy). */
    @Override
    public double[] fp32PerClass() {
        return fp32PerClass.clone();
    }

    /** Test samples per class (a copy). */
    @Override
    public int[] classCounts() {
        return classCounts.clone();
    }

    /** The conditions. */
    public List<Condition> conditions() {
        return settings.conditions();
    }

    /** Number of classes. */
    public int classes() {
        return classNames.size();
    }

    /**
     * The trials of one configuration and condition, in trial order.
     *
     * @param configuration configuration index
     * @param condition     condition index
     * @return the trials
     */
    public List<TrialResult> trials(int configuration, int condition) {
        return trials.stream().filter(t -> t.configuration() == configuration && t.condition() == condition)
                .toList();
    }

    /**
     * The box plots of one configuration and condition.
     *
     * @param configuration configuration index
     * @param condition     condition index
     * @return the summary over the finished trials
     */
    public ConditionSummary summary(int configuration, int condition) {
        return ConditionSummary.of(configuration, condition, fp32PerClass, fp32Accuracy,
                trials(configuration, condition));
    }

    /** The settings that make two experiments the same experiment (everything but the trial count). */
    public java.util.Map<String, String> experimentKey() {
        return provenance.settings();
    }

    /**
     * This result with more trials; a trial already present (same configuration, condition and number) is replaced.
     *
     * @param more     trials to add
     * @param complete whether the experiment is now complete
     * @param total    the trial count requested in total per configuration and condition
     * @return the merged result
     */
    public ReliabilityResult withTrials(List<TrialResult> more, boolean complete, int total) {
        List<TrialResult> all = new ArrayList<>();
        for (TrialResult t : trials) {
            if (more.stream().noneMatch(m -> ORDER.compare(m, t) == 0)) {
                all.add(t);
            }
        }
        all.addAll(more);
        return new ReliabilityResult(classNames, classCounts, fp32Accuracy, fp32PerClass, configurations,
                settings.withTrials(total), all, complete, provenance);
    }
}
