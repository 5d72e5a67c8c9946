package org.quantscope.core.investigate;

import org.quantscope.core.InputException;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.HardwarePreset;
import org.quantscope.core.sim.QuantSettings;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the target hardware (or the user) does not allow the investigation to change: {@code --lock K}. A locked
 * setting is never recommended; the steps that would change it are skipped, saying so.
 */
public enum Lock {
    /** Weight granularity stays as set (hardware with per-tensor weights only): no per-channel. */
    GRANULARITY("granularity", "the weight granularity"),
    /** Bit widths stay as set: no higher bits for a layer, no mixed precision. */
    BITS("bits", "the bit widths"),
    /** Range-setting methods stay as set. */
    RANGE("range", "the range-setting methods"),
    /** Every quantizer stays on: no float fallback. */
    FLOAT("float", "float fallback"),
    /** No post-training fix that changes weights or biases (CLE, bias correction, AdaRound). */
    FIXES("fixes", "the weights and biases (CLE, bias correction, AdaRound)");

    private final String id;
    private final String what;

    Lock(String id, String what) {
        this.id = id;
        this.what = what;
    }

    /** The command-line and JSON form. */
    public String id() {
        return id;
    }

    /** What it keeps unchanged, in plain words. */
    public String what() {
        return what;
    }

    /**
     * The lock of a name.
     *
     * @param name the name ({@code granularity}, {@code bits}, ...)
     * @return the lock
     * @throws InputException naming the choices
     */
    public static Lock of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Lock l : values()) {
            if (l.id.equals(n)) {
                return l;
            }
        }
        throw new InputException("unknown lock '" + name + "'; choose one of "
                + Arrays.stream(values()).map(Lock::id).collect(Collectors.joining(", ")));
    }

    /**
     * The locks a hardware preset implies: a device preset with per-tensor weights ({@code snpe}, {@code tvm}) fixes
     * the granularity; {@code academic} (a research setting) and {@code custom} fix nothing.
     *
     * @param s the settings (their {@code preset})
     * @return the implied locks, empty for {@code custom}
     */
    public static Set<Lock> impliedBy(QuantSettings s) {
        if ("custom".equals(s.preset())) {
            return EnumSet.noneOf(Lock.class);
        }
        HardwarePreset p = HardwarePreset.byName(s.preset());
        // academic is MQBench's research setting, not a device: it fixes nothing
        return p != HardwarePreset.ACADEMIC && p.weightGranularity() == Granularity.PER_TENSOR
                ? EnumSet.of(GRANULARITY) : EnumSet.noneOf(Lock.class);
    }
}
