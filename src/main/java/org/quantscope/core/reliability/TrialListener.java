package org.quantscope.core.reliability;

/**
 * Receives each trial of a reliability experiment as soon as it finishes, so a chart can grow while the experiment
 * runs. Called from the experiment's worker threads (trials may finish out of order when several run at once):
 * implementations must be thread-safe and cheap, and the UI marshals to its own thread itself.
 */
@FunctionalInterface
public interface TrialListener {

    /** A listener that ignores every trial. */
    TrialListener NONE = t -> { };

    /**
     * A trial finished.
     *
     * @param trial its result
     */
    void onTrial(TrialResult trial);
}
