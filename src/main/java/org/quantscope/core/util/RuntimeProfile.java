package org.quantscope.core.util;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the time of a command goes (issue 14, {@code --profile}): wall time per progress stage, and the time spent
 * inside ONNX Runtime (runs and session creation), so that work costing more than the runs it needs shows. Counting is
 * always on (two adders per run); the stages are recorded only while {@link #enabled}.
 */
public final class RuntimeProfile {

    private static final LongAdder RUN_NANOS = new LongAdder();
    private static final LongAdder RUNS = new LongAdder();
    private static final LongAdder OPEN_NANOS = new LongAdder();
    private static final LongAdder OPENS = new LongAdder();
    private static final Map<String, Long> STAGES = new LinkedHashMap<>();
    private static volatile boolean enabled;
    private static String stage;
    private static long stageStart;
    private static long start;

    private RuntimeProfile() {
    }

    /** Starts a profile: clears every figure and records stages from now on. */
    public static synchronized void start() {
        RUN_NANOS.reset();
        RUNS.reset();
        OPEN_NANOS.reset();
        OPENS.reset();
        STAGES.clear();
        stage = null;
        start = System.nanoTime();
        enabled = true;
    }

    /** Whether stages are being recorded. */
    public static boolean enabled() {
        return enabled;
    }

    /**
     * Counts one ONNX Runtime run.
     *
     * @param nanos its duration
     */
    public static void run(long nanos) {
        RUN_NANOS.add(nanos);
        RUNS.increment();
    }

    /**
     * Counts one session creation (graph optimization included).
     *
     * @param nanos its duration
     */
    public static void open(long nanos) {
        OPEN_NANOS.add(nanos);
        OPENS.increment();
    }

    /**
     * Notes the current progress message; the stage is its text before the first colon.
     *
     * @param message a progress message
     */
    public static synchronized void progress(String message) {
        if (!enabled) {
            return;
        }
        int colon = message.indexOf(':');
        String s = (colon > 0 ? message.substring(0, colon) : message).trim();
        long now = System.nanoTime();
        if (!s.equals(stage)) {
            if (stage != null) {
                STAGES.merge(stage, now - stageStart, Long::sum);
            }
            stage = s;
            stageStart = now;
        }
    }

    /**
     * Ends the profile and prints it.
     *
     * @param out where to print
     */
    public static synchronized void report(PrintWriter out) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (stage != null) {
            STAGES.merge(stage, now - stageStart, Long::sum);
        }
        enabled = false;
        double total = (now - start) / 1e9;
        out.printf(Locale.ROOT, "%nProfile: %.1f s wall%n", total);
        double staged = 0;
        for (Map.Entry<String, Long> e : STAGES.entrySet()) {
            double s = e.getValue() / 1e9;
            staged += s;
            out.printf(Locale.ROOT, "  %-48s %8.1f s %5.1f %%%n", e.getKey(), s, 100 * s / total);
        }
        out.printf(Locale.ROOT, "  %-48s %8.1f s %5.1f %%%n", "(before the first stage, between, after)",
                total - staged, 100 * (total - staged) / total);
        out.printf(Locale.ROOT, "  ONNX Runtime: %.1f s in %d runs, %.1f s creating %d sessions (%.0f %% of the "
                + "wall time together; runs on several threads overlap)%n", RUN_NANOS.sum() / 1e9, RUNS.sum(),
                OPEN_NANOS.sum() / 1e9, OPENS.sum(), 100 * (RUN_NANOS.sum() + OPEN_NANOS.sum()) / 1e9 / total);
        out.flush();
    }
}
