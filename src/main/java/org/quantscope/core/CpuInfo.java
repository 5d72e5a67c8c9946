package org.quantscope.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The processor this process runs on, as far as it changes what ONNX Runtime does. ONNX Runtime chooses its kernels
 * from the instruction set: the blocked convolution layout (NCHWc) uses blocks of 8 channels with AVX2 and 16 with
 * AVX-512F, so the optimized graph and its speed differ between such machines; the integer kernels of a QDQ model
 * add int8 products exactly with VNNI and in saturating 16-bit pairs without it (x86 U8S8 kernels). Benchmarks record
 * it with their figures ({@code docs/benchmarks.md}).
 *
 * @param model model name from {@code /proc/cpuinfo}, or the JVM's architecture name where it cannot be read
 * @param flags every flag the operating system reports (lower case; empty where it cannot be read)
 */
public record CpuInfo(String model, Set<String> flags) {

    /** The flags that decide ONNX Runtime's CPU kernels, in the order they are reported. */
    public static final List<String> RELEVANT_FLAGS = List.of("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni",
            "avx_vnni");

    private static final CpuInfo CURRENT = read(Path.of("/proc/cpuinfo"));

    public CpuInfo {
        flags = Set.copyOf(flags);
    }

    /** The processor this JVM runs on (read once). */
    public static CpuInfo current() {
        return CURRENT;
    }

    /**
     * Reads a {@code /proc/cpuinfo}-style file: the first {@code model name} and the first {@code flags} (x86) or
     * {@code Features} (ARM) line. A missing or unreadable file gives the JVM's architecture name and no flags.
     *
     * @param cpuinfo the file
     * @return what it says
     */
    static CpuInfo read(Path cpuinfo) {
        try {
            return parse(Files.readAllLines(cpuinfo));
        } catch (IOException | RuntimeException e) {
            return parse(List.of());
        }
    }

    /** Parses the lines of a {@code /proc/cpuinfo}-style file (see {@link #read}). */
    static CpuInfo parse(List<String> lines) {
        String model = null;
        Set<String> flags = null;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (model == null && key.equals("model name") && !value.isEmpty()) {
                model = value;
            } else if (flags == null && (key.equals("flags") || key.equals("Features"))) {
                flags = new TreeSet<>(List.of(value.toLowerCase(Locale.ROOT).split("\\s+")));
                flags.remove("");
            }
        }
        if (model == null) {
            model = "unknown " + System.getProperty("os.arch", "CPU");
        }
        return new CpuInfo(model, flags == null ? Set.of() : flags);
    }

    /** Whether the processor reports {@code flag} (as {@code /proc/cpuinfo} spells it, e.g. {@code avx512f}). */
    public boolean has(String flag) {
        return flags.contains(flag.toLowerCase(Locale.ROOT));
    }

    /** Each of {@link #RELEVANT_FLAGS} with whether the processor has it. */
    public Map<String, Boolean> relevantFlags() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        RELEVANT_FLAGS.forEach(f -> m.put(f, has(f)));
        return m;
    }

    /**
     * One line for logs and benchmark output, e.g. {@code AMD EPYC: avx2 fma; not avx512f avx512bw avx512_vnni
     * avx_vnni}; "flags unknown" where none could be read.
     */
    public String describe() {
        if (flags.isEmpty()) {
            return model + ": flags unknown";
        }
        StringBuilder yes = new StringBuilder();
        StringBuilder no = new StringBuilder();
        relevantFlags().forEach((f, on) -> (on ? yes : no).append(' ').append(f));
        return model + ":" + (yes.length() == 0 ? " none of" + no : yes + (no.length() == 0 ? "" : "; not" + no));
    }
}
