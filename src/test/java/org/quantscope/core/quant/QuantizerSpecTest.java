package org.quantscope.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quantscope.core.InputException;

class QuantizerSpecTest {

    @ParameterizedTest
    @CsvSource({
        // bits, signed, qmin, qmax: signed -2^(b-1)..2^(b-1)-1, unsigned 0..2^b-1
        "2, true, -2, 1",
        "2, false, 0, 3",
        "4, true, -8, 7",
        "4, false, 0, 15",
        "8, true, -128, 127",
        "8, false, 0, 255",
        "16, true, -32768, 32767",
        "16, false, 0, 65535"})
    void integerGrid(int bits, boolean signed, int qmin, int qmax) {
        QuantizerSpec spec = QuantizerSpec.perTensor(bits, signed, true);
        assertEquals(qmin, spec.qmin());
        assertEquals(qmax, spec.qmax());
    }

    @Test
    void bitsOutOfRangeAreRefusedWithTheValue() {
        InputException low = assertThrows(InputException.class, () -> QuantizerSpec.perTensor(1, true, true));
        assertEquals("bits must be between 2 and 16, got 1", low.getMessage());
        InputException high = assertThrows(InputException.class, () -> QuantizerSpec.perTensor(17, true, true));
        assertEquals("bits must be between 2 and 16, got 17", high.getMessage());
    }

    @Test
    void perChannelAxisOutOfRangeNamesAxisAndShape() {
        QuantizerSpec spec = QuantizerSpec.perChannel(8, true, true, 4);
        InputException e = assertThrows(InputException.class,
                () -> spec.checkShape(new int[] {2, 3, 2, 2}, "conv1.weight"));
        assertTrue(e.getMessage().contains("axis 4"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 3, 2, 2]"), e.getMessage());
        assertTrue(e.getMessage().contains("conv1.weight"), e.getMessage());
        assertThrows(InputException.class, () -> QuantizerSpec.perChannel(8, true, true, -1));
        spec.checkShape(new int[] {2, 3, 2, 2, 1}, "ok"); // rank 5: axis 4 exists
    }

    @Test
    void powerOfTwoNeedsSymmetric() {
        InputException e = assertThrows(InputException.class, () -> QuantizerSpec.perTensor(8, true, false)
                .withScaleConstraint(ScaleConstraint.POWER_OF_TWO));
        assertTrue(e.getMessage().contains("power-of-two"), e.getMessage());
    }

    @Test
    void perTensorHasNoAxis() {
        assertThrows(InputException.class, () -> new QuantizerSpec(8, true, true, Granularity.PER_TENSOR, 0,
                ScaleConstraint.FREE, ScaleConvention.ONNX));
    }
}
