package org.quantscope.core.util;

import java.lang.management.ManagementFactory;
import java.util.Locale;

import org.quantscope.core.InputException;

/**
 * How much memory an analysis may hold in captured intermediate tensors at once (issue 14). Every analysis that
 * captures tensors (calibration, activation statistics, the per-layer comparison of a diagnosis, fix effects, bias
 * correction, AdaRound, the sensitivity and reliability caches) sizes its runs from this one budget: it measures
 * what one sample's captured tensors take ({@code InferenceSession.bytesPerSample}) and runs at most
 * {@link #samplesPerRun} samples at a time, so its memory does not grow with image size x layers x samples. A run
 * whose single sample does not fit is refused before the expensive work, naming the setting to change.
 *
 * <p>The budget is, in order: the system property {@value #PROPERTY} (MiB, set by the command line's
 * {@code --memory-mib}), the environment variable {@value #ENV} (MiB), else {@value #HEAP_PERCENT} % of the JVM's
 * maximum heap (which the {@code quantscope} launcher sets from the machine's memory). One budget covers both copies
 * of a captured tensor: ONNX Runtime's native output and the Java array it is copied into.
 */
public final class MemoryBudget {

    /** System property holding the budget in MiB. */
    public static final String PROPERTY = "quantscope.memory.mib";
    /** Environment variable holding the budget in MiB. */
    public static final String ENV = "QUANTSCOPE_MEMORY_MIB";
    /** Share of the maximum heap used when no budget is set, in percent. */
    public static final int HEAP_PERCENT = 25;
    /** Smallest budget accepted, in MiB. */
    public static final long MIN_MIB = 16;

    private static final long MIB = 1L << 20;

    private MemoryBudget() {
    }

    /**
     * The budget for captured tensors in bytes.
     *
     * @return bytes
     * @throws InputException when the property or variable is not a number of MiB of at least {@value #MIN_MIB}
     */
    public static long captureBytes() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return parse(p, "--memory-mib");
        }
        String e = System.getenv(ENV);
        if (e != null && !e.isBlank()) {
            return parse(e, ENV);
        }
        return Runtime.getRuntime().maxMemory() / 100 * HEAP_PERCENT;
    }

    /** Where the current budget comes from, for messages and provenance. */
    public static String source() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return "--memory-mib " + p.trim();
        }
        String e = System.getenv(ENV);
        if (e != null && !e.isBlank()) {
            return ENV + "=" + e.trim();
        }
        return HEAP_PERCENT + " % of the " + mib(Runtime.getRuntime().maxMemory()) + " heap";
    }

    private static long parse(String value, String name) {
        long m;
        try {
            m = Long.parseLong(value.trim());
        } catch (NumberFormatException ex) {
            throw new InputException(name + " must be a whole number of MiB, got '" + value.trim() + "'");
        }
        if (m < MIN_MIB) {
            throw new InputException(name + " must be at least " + MIN_MIB + " MiB, got " + m);
        }
        return m * MIB;
    }

    /**
     * How many samples one run capturing tensors may take.
     *
     * @param bytesPerSample what one sample's captured tensors take, counting every copy alive at once
     * @param wanted         the batch size the caller would use without a budget
     * @param analysis       what captures, for the message ("the per-layer comparison")
     * @param lower          the setting that reduces the need, or null when only the budget helps
     * @return between 1 and {@code wanted}
     * @throws InputException when one sample alone exceeds the budget
     */
    public static int samplesPerRun(long bytesPerSample, int wanted, String analysis, String lower) {
        long budget = captureBytes();
        if (bytesPerSample > budget) {
            throw new InputException(String.format(Locale.ROOT,
                    "%s needs %s per sample for its captured tensors, more than the memory budget of %s (%s). "
                            + "Raise @{memoryBudget} (up to about half of the heap; the heap is set "
                            + "with QUANTSCOPE_HEAP, e.g. QUANTSCOPE_HEAP=8g)%s.", capitalize(analysis),
                    mib(bytesPerSample), mib(budget), source(), lower == null ? "" : ", or lower " + lower));
        }
        long n = bytesPerSample <= 0 ? wanted : runBytes() / bytesPerSample;
        return (int) Math.max(1, Math.min(wanted, n));
    }

    /**
     * Bytes one run's captured tensors take at most: the budget, but never more than {@value #RUN_MIB} MiB. Run sizes
     * are thus the same on every machine whose budget is at least that (any heap of 1 GiB or more), so results that
     * depend on how data is split into runs (the streaming histograms of calibration start from the first run's
     * range) do not change with the machine's memory; they change only when a user lowers {@code --memory-mib}
     * below it. Larger runs would not be faster: ONNX Runtime's throughput is flat beyond a few samples at this size.
     *
     * @return bytes
     */
    public static long runBytes() {
        return Math.min(captureBytes(), RUN_MIB * MIB);
    }

    /**
     * Input bytes one ONNX Runtime run takes at most: a run's intermediate tensors, which ONNX Runtime keeps in its
     * arena, grow with samples x image size, so large inputs run fewer samples at once (6 at 224x224x3, all 32 of an
     * evaluation run at 28x28). Costs no throughput on a CPU: each sample's convolutions are already large products.
     */
    public static final long RUN_INPUT_BYTES = 4L << 20;

    /**
     * The most samples of the given length one ONNX Runtime run should take ({@link #RUN_INPUT_BYTES}), at least 1.
     *
     * @param sampleLength floats per input sample
     * @return samples
     */
    public static int runSamplesForInput(int sampleLength) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, RUN_INPUT_BYTES / Math.max(1L, 4L * sampleLength)));
    }

    /** Cap of {@link #runBytes()} in MiB. */
    public static final long RUN_MIB = 256;

    /**
     * What to tell a user whose analysis ran out of Java heap despite the budget (the command line and the window
     * say the same).
     *
     * @param budgetSetting how the budget is set where the message appears ("--memory-mib" on the command line)
     * @return one sentence without a stack trace
     */
    public static String outOfMemoryMessage(String budgetSetting) {
        return "out of memory (Java heap " + mib(Runtime.getRuntime().maxMemory()) + "). Lower " + budgetSetting
                + " (now " + mib(captureBytes()) + ", " + source() + "), the calibration or sample counts, or raise "
                + "the heap with QUANTSCOPE_HEAP (e.g. QUANTSCOPE_HEAP=8g) and start QuantScope again.";
    }

    /** The machine's physical memory in bytes, or 0 when the JVM cannot tell. */
    public static long physicalBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    /** {@code 1.5 GiB} or {@code 300 MiB}. */
    public static String mib(long bytes) {
        if (bytes >= 10L * 1024 * MIB) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * MIB));
        }
        return String.format(Locale.ROOT, "%.0f MiB", Math.ceil(bytes / (double) MIB));
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
