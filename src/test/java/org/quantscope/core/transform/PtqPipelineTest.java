package org.quantscope.core.transform;

import org.junit.jupiter.api.Test;
import org.quantscope.core.InputException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which combinations of fixes the pipeline accepts (its results are tested end to end in QuantizeCommandTest). */
class PtqPipelineTest {

    @Test
    void fixCombinations() {
        assertFalse(PtqPipeline.Fixes.NONE.any());
        assertTrue(new PtqPipeline.Fixes(true, true, "Empirical").any());
        assertEquals("empirical", new PtqPipeline.Fixes(true, false, " EMPIRICAL ").biasCorrection());
        assertTrue(assertThrows(InputException.class, () -> new PtqPipeline.Fixes(false, true, null)).getMessage()
                .contains("cross-layer equalization"));
        assertTrue(assertThrows(InputException.class, () -> new PtqPipeline.Fixes(true, false, "analytic"))
                .getMessage().contains("rescales"));
        assertTrue(assertThrows(InputException.class, () -> new PtqPipeline.Fixes(false, false, "median"))
                .getMessage().contains("empirical"));
    }
}
