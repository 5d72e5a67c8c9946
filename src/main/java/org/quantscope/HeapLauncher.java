package org.quantscope;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.quantscope.core.util.MemoryBudget;

/**
 * Sets the Java heap from the machine's memory (issue 14). The JVM's own default is a quarter of the physical memory,
 * which on a workstation lets the heap (and the process) grow far past what an analysis needs while ONNX Runtime's
 * native memory comes on top. When no heap size was chosen, {@link Launcher} starts QuantScope again in a child JVM
 * with {@code -Xmx} set to {@link #defaultHeapBytes one twelfth of the physical memory, between 1 and 16 GiB}, or
 * to {@code QUANTSCOPE_HEAP} (a JVM size such as {@code 6g} or {@code 3000m}) when set; the child inherits the
 * console, and its exit code is returned. Nothing is relaunched when the command line already has {@code -Xmx},
 * {@code -XX:MaxHeapSize}, {@code -XX:MaxRAMPercentage} or {@code -XX:MaxRAM}, when {@code QUANTSCOPE_HEAP=jvm}
 * keeps the JVM's default, or inside the relaunched child. Captured tensors then get
 * {@link MemoryBudget#HEAP_PERCENT} % of the heap (see {@link MemoryBudget}).
 */
final class HeapLauncher {

    /** Environment variable with the heap size, or {@code jvm} for the JVM's default. */
    static final String ENV = "QUANTSCOPE_HEAP";
    /** Set in the child so that it does not relaunch. */
    static final String CHILD_PROPERTY = "quantscope.heapLaunched";

    private static final long GIB = 1L << 30;

    private HeapLauncher() {
    }

    /**
     * The heap for a machine: a twelfth of its memory, at least 1 GiB, at most 16 GiB, rounded to 256 MiB (2 GiB on
     * a machine whose kernel reports 23.5 GiB of its 24). G1 grows the heap to its limit under the allocation rate of
     * these analyses, and ONNX Runtime's sessions add about 1.5 GiB at ImageNet size, so the heap limit sets the
     * process's peak: on a 24 GiB machine, 2 GiB of heap run ResNet-50 with every fix (its largest measured need) at
     * a peak of 3.5 GiB; an eighth (3 GiB) reached 4.1 GiB for the same numbers and time.
     *
     * @param physical physical memory in bytes (0 when unknown: 2 GiB is used)
     * @return bytes
     */
    static long defaultHeapBytes(long physical) {
        if (physical <= 0) {
            return 2 * GIB;
        }
        long h = Math.max(GIB, Math.min(16 * GIB, physical / 12));
        long step = 256L << 20;
        return Math.max(GIB, (h + step / 2) / step * step);
    }

    /**
     * The {@code -Xmx} value to relaunch with, or empty to run in this JVM.
     *
     * @param jvmArgs the arguments this JVM was started with
     * @param env     the value of {@value #ENV}, or null
     * @param child   whether this JVM is already the relaunched child
     * @param physical physical memory in bytes
     * @return e.g. {@code 3072m}
     */
    static Optional<String> heapToSet(List<String> jvmArgs, String env, boolean child, long physical) {
        if (child) {
            return Optional.empty();
        }
        for (String a : jvmArgs) {
            if (a.startsWith("-Xmx") || a.startsWith("-XX:MaxHeapSize") || a.startsWith("-XX:MaxRAMPercentage")
                    || a.startsWith("-XX:MaxRAM=")) {
                return Optional.empty();
            }
        }
        if (env != null && !env.isBlank()) {
            String v = env.trim().toLowerCase(Locale.ROOT);
            if (v.equals("jvm")) {
                return Optional.empty();
            }
            if (!v.matches("[0-9]+[kmg]?")) {
                throw new IllegalArgumentException(ENV + " must be a heap size such as 6g or 3000m (or 'jvm' for "
                        + "the JVM's default), got '" + env.trim() + "'");
            }
            return Optional.of(v);
        }
        return Optional.of((defaultHeapBytes(physical) >> 20) + "m");
    }

    /**
     * Relaunches with the heap set when needed.
     *
     * @param args the program arguments
     * @return the child's exit code, or empty when this JVM should run QuantScope itself
     */
    static Optional<Integer> relaunchIfNeeded(String[] args) {
        Optional<String> heap;
        try {
            heap = heapToSet(ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getenv(ENV),
                    Boolean.getBoolean(CHILD_PROPERTY), MemoryBudget.physicalBytes());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return Optional.of(2);
        }
        if (heap.isEmpty()) {
            return Optional.empty();
        }
        String classPath = System.getProperty("java.class.path");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (classPath == null || classPath.isBlank() || !java.toFile().canExecute()) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("-Xmx" + heap.get());
        if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .noneMatch(a -> a.startsWith("-XX:MaxDirectMemorySize"))) {
            // ONNX Runtime's Java API copies every output through a direct buffer, freed only by a collection; by
            // default up to a heap's worth of them piled up on top of the heap (MobileNetV2 at 224x224, bias
            // correction: peak RSS 5.9 GB; with 512 MB of direct memory 1.7 GB)
            cmd.add("-XX:MaxDirectMemorySize=512m");
        }
        cmd.add("-D" + CHILD_PROPERTY + "=true");
        // keep the parent's JVM options (system properties, agents, module flags)
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(Launcher.class.getName());
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            // fewer glibc malloc arenas: ONNX Runtime's and the JVM's threads otherwise each keep their own, and the
            // freed blocks of large captured tensors stay resident in them
            pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
            Process p = pb.start();
            ignoreInterrupt(); // Ctrl+C reaches the child too (same process group); it cancels and exits 130
            Thread stop = new Thread(p::destroy, "quantscope-child-stop");
            Runtime.getRuntime().addShutdownHook(stop);
            int code = p.waitFor();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
            return Optional.of(code);
        } catch (java.io.IOException e) {
            return Optional.empty(); // cannot start a child: run here with the JVM's default heap
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
    }

    @SuppressWarnings("restriction")
    private static void ignoreInterrupt() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGINT on this platform
        }
    }
}
