package org.quantscope.core.transform;

import org.junit.jupiter.api.Test;
import org.quantscope.core.InputException;
import org.quantscope.core.sim.BitWidthVariants;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pareto front, target selection and candidate parsing on hand-made points (no model needed). */
class MixedPrecisionSelectionTest {

    private static final MixedPrecision.CostAxis SIZE = MixedPrecision.CostAxis.SIZE;

    /** A point with the given cost (size bits, also average bits x 1000) and accuracy; FP32 is 0.90. */
    private static MixedPrecisionPoint p(int step, long size, double accuracy) {
        return new MixedPrecisionPoint(step, step == 0 ? "" : "q" + step, 8, Map.of("q", 8), accuracy,
                100 * (0.90 - accuracy), size, size / 1000.0, size * 2.0);
    }

    @Test
    void frontKeepsTheNonDominatedPointsCheapestFirst() {
        List<MixedPrecisionPoint> pts = List.of(p(0, 4000, 0.80), p(1, 4500, 0.85), p(2, 5000, 0.84),
                p(3, 5000, 0.88), p(4, 6000, 0.88), p(5, 3000, 0.70), p(6, 4500, 0.85));
        List<MixedPrecisionPoint> front = ParetoFront.of(pts, SIZE);
        assertEquals(List.of(5, 0, 1, 3), front.stream().map(MixedPrecisionPoint::step).toList(),
                "step 2 is beaten by 3 (same cost, more accurate), 4 by 3 (cheaper, as accurate), 6 equals 1 (the "
                        + "earlier kept)");
    }

    @Test
    void frontPropertiesOnRandomPoints() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            List<MixedPrecisionPoint> pts = new ArrayList<>();
            for (int i = 0; i < 1 + rnd.nextInt(30); i++) {
                pts.add(p(i, 1000 + rnd.nextInt(20) * 100, rnd.nextInt(50) / 50.0));
            }
            List<MixedPrecisionPoint> front = ParetoFront.of(pts, SIZE);
            assertFalse(front.isEmpty());
            for (int i = 1; i < front.size(); i++) {
                assertTrue(front.get(i).sizeBits() > front.get(i - 1).sizeBits(), "cheapest first, no equal costs");
                assertTrue(front.get(i).accuracy() > front.get(i - 1).accuracy(), "more cost buys accuracy");
            }
            for (MixedPrecisionPoint a : front) {
                for (MixedPrecisionPoint b : pts) {
                    assertFalse(ParetoFront.dominates(b, a, SIZE), b + " dominates front point " + a);
                }
            }
            for (MixedPrecisionPoint b : pts) {
                if (!front.contains(b)) {
                    assertTrue(front.stream().anyMatch(a -> ParetoFront.dominates(a, b, SIZE)
                                    || a.sizeBits() == b.sizeBits() && a.accuracy() == b.accuracy()),
                            "a point left out is dominated by (or equal to) a front point: " + b);
                }
            }
        }
    }

    @Test
    void dropTargetPicksTheCheapestPointMeetingIt() {
        List<MixedPrecisionPoint> pts = List.of(p(0, 4000, 0.80), p(1, 4500, 0.892), p(2, 5000, 0.899),
                p(3, 4400, 0.893), p(4, 6000, 0.90));
        assertEquals(3, MixedPrecisionTarget.drop(1.0).select(pts, SIZE).step());
        assertEquals(2, MixedPrecisionTarget.drop(0.1).select(pts, SIZE).step());
        assertEquals(4, MixedPrecisionTarget.drop(0).select(pts, SIZE).step());
        InputException e = assertThrows(InputException.class, () -> MixedPrecisionTarget.drop(0.5)
                .select(List.of(p(0, 4000, 0.80), p(1, 4100, 0.85)), SIZE));
        assertTrue(e.getMessage().contains("not reached") && e.getMessage().contains("5.00 points"), e.getMessage());
    }

    @Test
    void bitsTargetPicksTheMostAccuratePointWithinIt() {
        List<MixedPrecisionPoint> pts = List.of(p(0, 4000, 0.80), p(1, 4500, 0.86), p(2, 5000, 0.86),
                p(3, 5500, 0.89), p(4, 8000, 0.90));
        assertEquals(1, MixedPrecisionTarget.averageBits(5.0).select(pts, SIZE).step(), "tie: the cheaper");
        assertEquals(3, MixedPrecisionTarget.averageBits(5.5).select(pts, SIZE).step());
        assertEquals(0, MixedPrecisionTarget.averageBits(4.2).select(pts, SIZE).step());
        InputException e = assertThrows(InputException.class, () -> MixedPrecisionTarget.averageBits(3)
                .select(pts, SIZE));
        assertTrue(e.getMessage().contains("4.00 average weight bits"), e.getMessage());
    }

    @Test
    void targetsAreCheckedBeforeAnySearch() {
        assertTrue(assertThrows(InputException.class, () -> new MixedPrecisionTarget(0.5, 6)).getMessage()
                .contains("not both"));
        assertTrue(assertThrows(InputException.class, () -> new MixedPrecisionTarget(Double.NaN, Double.NaN))
                .getMessage().contains("needs a target"));
        assertTrue(assertThrows(InputException.class, () -> MixedPrecisionTarget.drop(-1)).getMessage()
                .contains("0 or more"));
        assertTrue(assertThrows(InputException.class, () -> MixedPrecisionTarget.averageBits(0)).getMessage()
                .contains("positive"));
    }

    @Test
    void candidatesParseAndRaiseOnlyAboveTheBase() {
        MixedPrecisionCandidates c = MixedPrecisionCandidates.parse(" W16, w4 ,w8,a16,a8,float,w8");
        assertEquals(List.of(4, 8, 16), c.weightBits());
        assertEquals(List.of(8, 16), c.activationBits());
        assertEquals(List.of(8, 16, BitWidthVariants.FLOAT), c.raisesFrom(true, 4));
        assertEquals(List.of(16, BitWidthVariants.FLOAT), c.raisesFrom(false, 8));
        assertEquals("w4,w8,w16,a8,a16,float", c.text());
        MixedPrecisionCandidates w = MixedPrecisionCandidates.parse("w8,wfloat");
        assertEquals(List.of(), w.raisesFrom(false, 8));
        assertEquals(List.of(BitWidthVariants.FLOAT), w.raisesFrom(true, 8));
        for (String bad : List.of("w32", "x8", "w", "a1", "wfoo", "", " , ")) {
            InputException e = assertThrows(InputException.class, () -> MixedPrecisionCandidates.parse(bad), bad);
            assertTrue(e.getMessage().contains("candidate"), e.getMessage());
        }
    }
}
