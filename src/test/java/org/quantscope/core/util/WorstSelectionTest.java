package org.quantscope.core.util;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worst-N / search / summary selection every long per-class and per-layer view uses. */
class WorstSelectionTest {

    record Item(String name, double drop) {
    }

    private static final List<Item> ITEMS = List.of(new Item("tench", 1.0), new Item("goldfish", 5.0),
            new Item("great white shark", 3.0), new Item("tiger shark", Double.NaN), new Item("hammerhead shark", 3.0),
            new Item("electric ray", -2.0));

    private static WorstSelection<Item> select(int n, String query, Set<String> pinned) {
        return WorstSelection.of(ITEMS, Item::name, Item::drop, n, query, pinned);
    }

    @Test
    void shortListsStayWholeAndInTheirOrder() {
        WorstSelection<Item> s = select(6, null, Set.of());
        assertEquals(ITEMS, s.shown());
        assertFalse(s.reduced());
        assertEquals("", s.rest().describe("classes", "drop", "%.2f", true));
        assertEquals(ITEMS, select(0, "", Set.of()).shown(), "0 means all");
    }

    @Test
    void worstFirstTiesByIndexAndTheRestSummarised() {
        WorstSelection<Item> s = select(3, null, Set.of());
        assertEquals(List.of("goldfish", "great white shark", "hammerhead shark"),
                s.shown().stream().map(Item::name).toList());
        assertEquals(List.of(1, 2, 4), s.shownIndex());
        assertTrue(s.reduced());
        assertEquals(3, s.hidden());
        // left out: tench 1.0, electric ray -2.0, tiger shark without a value
        assertEquals(new WorstSelection.Rest(3, 2, -0.5, -2.0, 1.0), s.rest());
        assertEquals("3 other classes: mean drop -0.50 points, max 1.00 points; 1 without a value",
                s.rest().describe("classes", "drop", "%.2f points", true));
    }

    @Test
    void searchNarrowsCaseInsensitivelyAndStillRanks() {
        WorstSelection<Item> s = select(2, "SHARK", Set.of());
        assertEquals(3, s.matching());
        assertEquals(List.of("great white shark", "hammerhead shark"), s.shown().stream().map(Item::name).toList());
        assertEquals(4, s.rest().count());
        WorstSelection<Item> none = select(5, "whale", Set.of());
        assertTrue(none.shown().isEmpty());
        assertEquals(0, none.matching());
        assertTrue(none.reduced());
    }

    @Test
    void pinnedItemsAreShownBesideTheWorst() {
        WorstSelection<Item> s = select(1, null, Set.of("electric ray"));
        assertEquals(List.of("goldfish", "electric ray"), s.shown().stream().map(Item::name).toList());
        assertEquals(4, s.rest().count());
    }

    @Test
    void lowestKeepsTheValuesInTheirOwnTerms() {
        WorstSelection<Item> s = WorstSelection.lowest(ITEMS, Item::name, Item::drop, 2, null);
        assertEquals(List.of("electric ray", "tench"), s.shown().stream().map(Item::name).toList());
        assertEquals(new WorstSelection.Rest(4, 3, 11.0 / 3, 3.0, 5.0), s.rest());
        assertEquals("4 other classes: mean accuracy 3.67, min 3.00; 1 without a value",
                s.rest().describe("classes", "accuracy", "%.2f", false));
    }
}
