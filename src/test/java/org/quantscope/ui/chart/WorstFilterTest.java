package org.quantscope.ui.chart;

import org.junit.jupiter.api.Test;
import org.quantscope.core.util.WorstSelection;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The view model of the worst-N charts: count, search, summary text, redraw on change; no toolkit needed. */
class WorstFilterTest {

    record Cls(String name, double accuracy) {
    }

    private static List<Cls> classes(int n) {
        List<Cls> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new Cls("class " + i, (i * 37 % 101) / 100.0 * 100));
        }
        return l;
    }

    @Test
    void shortListsAreWholeAndLongOnesReducedWithASummary() {
        WorstFilter f = new WorstFilter(20, "classes", "accuracy", "%.1f %%", false).missing("without samples");
        List<Cls> ten = classes(10);
        assertFalse(f.needed(10));
        WorstSelection<Cls> s = f.select(ten, Cls::name, Cls::accuracy, List.of());
        assertEquals(ten, s.shown());
        assertEquals("", f.summaryProperty().get());

        List<Cls> many = new ArrayList<>(classes(1000));
        many.set(999, new Cls("class 999", Double.NaN));
        assertTrue(f.needed(1000));
        WorstSelection<Cls> r = f.select(many, Cls::name, Cls::accuracy, List.of());
        assertEquals(20, r.shown().size());
        double worstHidden = many.stream().filter(c -> !r.shown().contains(c) && !Double.isNaN(c.accuracy()))
                .mapToDouble(Cls::accuracy).min().orElseThrow();
        assertTrue(r.shown().stream().allMatch(c -> c.accuracy() <= worstHidden));
        assertTrue(f.summaryProperty().get().startsWith("980 other classes: mean accuracy "), f.summaryProperty().get());
        assertTrue(f.summaryProperty().get().endsWith("; 1 without samples"), f.summaryProperty().get());
    }

    @Test
    void countAndSearchRedrawAndNarrow() {
        WorstFilter f = new WorstFilter(25, "layers", "isolated error", "%.3f steps", true);
        AtomicInteger redraws = new AtomicInteger();
        f.onChange(redraws::incrementAndGet);
        f.countProperty().set(3);
        f.queryProperty().set("CLASS 1");
        assertEquals(2, redraws.get());
        List<Cls> many = classes(200);
        WorstSelection<Cls> s = f.select(many, Cls::name, Cls::accuracy, List.of("class 0"));
        // "class 1", "class 10".."class 19", "class 100".."class 199": 111 match
        assertEquals(111, s.matching());
        assertEquals(3, s.shown().size(), "class 0 does not match the search, so it is not pinned in");
        assertTrue(s.shown().stream().allMatch(c -> c.name().startsWith("class 1")));
        assertTrue(f.summaryProperty().get().startsWith("111 of 200 layers match 'CLASS 1' · 197 other layers: "),
                f.summaryProperty().get());
        f.queryProperty().set("");
        s = f.select(many, Cls::name, Cls::accuracy, List.of("class 0"));
        assertEquals(4, s.shown().size(), "the three worst and the pinned one");
        assertEquals("class 0", s.shown().get(3).name());
    }
}
