package org.quantscope.cli;

import org.junit.jupiter.api.Test;
import org.quantscope.core.InputException;
import org.quantscope.core.SettingNames;
import org.quantscope.core.transform.MixedPrecisionTarget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Core messages speak of settings (issue 15): the window's text names them in words, the command line's the flags,
 * from the same exception. Every setting core names has a flag.
 */
class CliNamesTest {

    @Test
    void everySettingCoreNamesHasAFlag() {
        assertEquals(SettingNames.ids(), CliNames.ids());
    }

    @Test
    void oneMessageTwoFrontEnds() {
        InputException e = assertThrows(InputException.class, () -> MixedPrecisionTarget.drop(-1));
        assertTrue(e.getMessage().startsWith("the accuracy-drop target must be 0 or more points"), e.getMessage());
        assertTrue(!e.getMessage().contains("--"), e.getMessage());
        assertTrue(e.render(CliNames::flag).startsWith("--target-drop must be 0 or more points"),
                e.render(CliNames::flag));
        // a message without settings renders as it is
        InputException plain = new InputException("file x.npy does not exist");
        assertEquals("file x.npy does not exist", plain.render(CliNames::flag));
        // a wrapper keeps the markers
        InputException wrapped = new InputException("run.json: " + e.template(), e);
        assertTrue(wrapped.render(CliNames::flag).startsWith("run.json: --target-drop"), wrapped.render(
                CliNames::flag));
    }
}
