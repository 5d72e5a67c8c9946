package org.quantscope;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;

/** The default heap of the launcher, worked by hand: a twelfth of the memory, in [1, 16] GiB, to 256 MiB. */
class HeapLauncherTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void aTwelfthOfTheMachineRoundedTo256MiB() {
        assertEquals(2 * GIB, HeapLauncher.defaultHeapBytes(24 * GIB));
        assertEquals(2 * GIB, HeapLauncher.defaultHeapBytes(24105 * MIB), "23.5 GiB: 2008 MiB rounds up to 2 GiB");
        assertEquals(5376 * MIB, HeapLauncher.defaultHeapBytes(64 * GIB), "5461 MiB rounds to 5376");
        assertEquals(GIB, HeapLauncher.defaultHeapBytes(8 * GIB), "at least 1 GiB");
        assertEquals(16 * GIB, HeapLauncher.defaultHeapBytes(512 * GIB), "at most 16 GiB");
        assertEquals(2 * GIB, HeapLauncher.defaultHeapBytes(0), "unknown memory");
    }
}
