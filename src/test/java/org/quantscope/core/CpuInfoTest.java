package org.quantscope.core;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the processor's model and flags from /proc/cpuinfo, and the fallbacks where there is none. */
class CpuInfoTest {

    private static List<String> x86(String model, String flags) {
        return List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "model name\t: " + model,
                "flags\t\t: " + flags, "", "processor\t: 1", "model name\t: other", "flags\t\t: fpu");
    }

    @Test
    void avx2MachineWithoutAvx512() {
        CpuInfo c = CpuInfo.parse(x86("AMD EPYC", "fpu sse2 avx fma avx2 bmi2"));
        assertEquals("AMD EPYC", c.model());
        assertTrue(c.has("avx2") && c.has("FMA"));
        assertFalse(c.has("avx512f"));
        assertEquals(Map.of("avx2", true, "fma", true, "avx512f", false, "avx512bw", false, "avx512_vnni", false,
                "avx_vnni", false), c.relevantFlags());
        assertEquals("AMD EPYC: avx2 fma; not avx512f avx512bw avx512_vnni avx_vnni", c.describe());
    }

    @Test
    void avx512MachineWithVnni() {
        CpuInfo c = CpuInfo.parse(x86("AMD EPYC 9R14 96-Core Processor",
                "fpu avx fma avx2 avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bf16"));
        assertTrue(c.has("avx512f") && c.has("avx512_vnni"));
        assertEquals("AMD EPYC 9R14 96-Core Processor: avx2 fma avx512f avx512bw avx512_vnni; not avx_vnni",
                c.describe());
    }

    @Test
    void armFeaturesAndMissingFile() {
        CpuInfo arm = CpuInfo.parse(List.of("processor\t: 0", "Features\t: fp asimd asimddp sve"));
        assertTrue(arm.has("asimddp"));
        assertTrue(arm.model().startsWith("unknown "), arm.model());
        assertTrue(arm.describe().endsWith(": none of avx2 fma avx512f avx512bw avx512_vnni avx_vnni"),
                arm.describe());
        CpuInfo none = CpuInfo.read(Path.of("does-not-exist/cpuinfo"));
        assertTrue(none.flags().isEmpty());
        assertTrue(none.describe().endsWith(": flags unknown"), none.describe());
    }

    @Test
    void thisMachineIsRead() {
        CpuInfo c = CpuInfo.current();
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertFalse(c.flags().isEmpty(), "Linux reports flags in /proc/cpuinfo");
        }
        assertFalse(c.model().isBlank());
    }
}
