package org.quantscope.core.investigate;

import org.quantscope.core.config.QuantConfig;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an investigation starts from.
 *
 * @param model           the model file
 * @param modelSha256     its SHA-256
 * @param data            description of the test data
 * @param calibrationData description of the calibration pool
 * @param start           the user's configuration (with its calibration draw)
 * @param targets         the targets
 * @param locks           what may not change (the user's and the preset's)
 * @param settings        how the steps run (trials, AdaRound budget, ...)
 */
public record InvestigationSetup(String model, String modelSha256, String data, String calibrationData,
                                 QuantConfig start, Targets targets, Set<Lock> locks, InvestigationSettings settings) {

    /** Copies; adds the locks the preset implies. */
    public InvestigationSetup {
        EnumSet<Lock> all = EnumSet.noneOf(Lock.class);
        all.addAll(locks);
        all.addAll(Lock.impliedBy(start.scheme()));
        locks = java.util.Collections.unmodifiableSet(all);
    }

    /** Whether a setting is locked. */
    public boolean locked(Lock l) {
        return locks.contains(l);
    }

    /** Why a setting is locked, in plain words. */
    public String lockReason(Lock l) {
        boolean byPreset = Lock.impliedBy(start.scheme()).contains(l);
        return byPreset ? "the " + start.scheme().preset() + " preset fixes " + l.what()
                : l.what() + " is locked (--lock " + l.id() + ")";
    }
}
