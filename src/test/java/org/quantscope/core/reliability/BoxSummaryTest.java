package org.quantscope.core.reliability;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Box summaries against values worked out by hand (quartile definition 7, Tukey whiskers at 1.5 IQR). */
class BoxSummaryTest {

    @Test
    void quartilesWhiskersAndOutliersOfTenValues() {
        // sorted 1..9, 100: Q1 at h = 9/4 = 2.25 -> 3 + 0.25 (4 - 3) = 3.25; median h = 4.5 -> 5.5;
        // Q3 h = 6.75 -> 7 + 0.75 (8 - 7) = 7.75; IQR 4.5, fences -3.5 and 14.5: 100 is the only outlier
        BoxSummary b = BoxSummary.of(new double[] {100, 9, 1, 8, 2, 7, 3, 6, 4, 5});
        assertEquals(10, b.count());
        assertEquals(1, b.min());
        assertEquals(3.25, b.q1(), 1e-12);
        assertEquals(5.5, b.median(), 1e-12);
        assertEquals(7.75, b.q3(), 1e-12);
        assertEquals(100, b.max());
        assertEquals(4.5, b.iqr(), 1e-12);
        assertEquals(1, b.lowerWhisker());
        assertEquals(9, b.upperWhisker());
        assertArrayEquals(new double[] {100}, b.outliers());
        assertEquals(14.5, b.mean(), 1e-12);
        // squared deviations from 14.5 sum to 8182.5; sample variance 8182.5 / 9
        assertEquals(30.152390728873666, b.std(), 1e-12);
    }

    @Test
    void lowOutlierAndOddCount() {
        // sorted -50, 10, 11, 12, 13: Q1 h = 1 -> 10, median 11, Q3 h = 3 -> 12; fences 7 and 15
        BoxSummary b = BoxSummary.of(new double[] {12, -50, 11, 13, 10});
        assertEquals(10, b.q1(), 1e-12);
        assertEquals(11, b.median(), 1e-12);
        assertEquals(12, b.q3(), 1e-12);
        assertEquals(10, b.lowerWhisker());
        assertEquals(13, b.upperWhisker());
        assertArrayEquals(new double[] {-50}, b.outliers());
        // three values: Q1 h = 0.5 -> 1.5, Q3 h = 1.5 -> 2.5
        BoxSummary c = BoxSummary.of(new double[] {3, 1, 2});
        assertEquals(1.5, c.q1(), 1e-12);
        assertEquals(2, c.median(), 1e-12);
        assertEquals(2.5, c.q3(), 1e-12);
        assertEquals(1, c.std(), 1e-12);
        assertEquals(0, c.outliers().length);
    }

    @Test
    void singleValueNaNAndEmpty() {
        BoxSummary one = BoxSummary.of(new double[] {Double.NaN, 4.2});
        assertEquals(1, one.count());
        assertEquals(4.2, one.q1());
        assertEquals(4.2, one.q3());
        assertEquals(0, one.std());
        assertEquals(4.2, one.upperWhisker());
        BoxSummary none = BoxSummary.of(new double[] {Double.NaN});
        assertTrue(none.isEmpty());
        assertTrue(Double.isNaN(none.median()));
    }

    @Test
    void summaryTakesTheWorstClassOfEachTrial() {
        double[] fp32 = {0.9, 0.8, 0.7};
        List<TrialResult> trials = List.of(
                new TrialResult(0, 0, 0, 0, 0.75, new double[] {0.9, 0.7, 0.6}, 1),   // drops 0, 10, 10
                new TrialResult(0, 0, 1, 1, 0.70, new double[] {0.8, 0.78, 0.5}, 1),  // drops 10, 2, 20
                new TrialResult(0, 0, 2, 2, 0.78, new double[] {0.85, 0.8, 0.69}, 1)); // drops 5, 0, 1
        ConditionSummary s = ConditionSummary.of(0, 0, fp32, 0.8, trials);
        assertEquals(3, s.trials());
        // worst per trial: 10 (class 1 first, ties to the lower index), 20, 5
        assertArrayEquals(new double[] {10, 20, 5}, s.worstPerTrial(), 1e-9);
        assertArrayEquals(new int[] {1, 1, 1}, s.worstClassCount());
        assertEquals(10, s.worst().median(), 1e-9);
        // medians: class 0: 5, class 1: 2, class 2: 10 -> class 2 is the worst class
        assertEquals(2, s.worstClass());
        assertEquals(10, s.perClass().get(2).median(), 1e-9);
        assertEquals(5, s.overall().median(), 1e-9); // overall drops 5, 10, 2
        String reading = ReliabilityReading.of(s, List.of("a", "b", "c"), fp32);
        assertTrue(reading.startsWith("Class c drops 10.0 points in the median and up to 20.0 points over 3 seeds"),
                reading);
    }
}
