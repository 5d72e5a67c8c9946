package org.quantscope.ui.chart;

import javafx.beans.Observable;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.quantscope.core.util.WorstSelection;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The view-model half of "worst N + search + summary" for a long per-class or per-layer view: how many worst items to
 * show, the search text, and, after each {@link #select}, a one-line summary of what is left out. Every such view of
 * the window (class accuracy, FP32 vs quantized, reliability boxes, layerwise error, sensitivity) owns one and redraws
 * when it changes; the selection itself is {@link WorstSelection}, the same the console uses.
 */
public final class WorstFilter {

    private final IntegerProperty count;
    private final StringProperty query = new SimpleStringProperty(this, "query", "");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ReadOnlyStringWrapper longList = new ReadOnlyStringWrapper(this, "longList", "");
    private final int defaultCount;
    private final String noun;
    private final String quantity;
    private final String format;
    private final boolean worstIsMax;
    private String missing = "without a value";

    /**
     * @param defaultCount worst items shown at first; lists up to this long are shown whole, in their own order
     * @param noun         the items, plural ("classes", "layers")
     * @param quantity     the score in the summary ("drop", "accuracy", "error")
     * @param format       one score value, e.g. {@code "%.2f points"}
     * @param worstIsMax   whether larger scores are worse (drop, error) or smaller ones (accuracy)
     */
    public WorstFilter(int defaultCount, String noun, String quantity, String format, boolean worstIsMax) {
        this.defaultCount = defaultCount;
        this.count = new SimpleIntegerProperty(this, "count", defaultCount);
        this.noun = noun;
        this.quantity = quantity;
        this.format = format;
        this.worstIsMax = worstIsMax;
    }

    /**
     * Names the items without a score in the summary, e.g. "without samples" for classes.
     *
     * @param words the words after the count
     * @return this filter
     */
    public WorstFilter missing(String words) {
        missing = words;
        return this;
    }

    /** How many worst items to show (at least 1). */
    public IntegerProperty countProperty() {
        return count;
    }

    /** Search text: only items whose name contains it (any case); empty for all. */
    public StringProperty queryProperty() {
        return query;
    }

    /** What the last selection left out, e.g. "990 other classes: mean drop 0.41 points, max 2.10 points". */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** The items' noun, for the search prompt. */
    public String noun() {
        return noun;
    }

    /** The count shown at first. */
    public int defaultCount() {
        return defaultCount;
    }

    /** Calls {@code redraw} whenever the count or the search text changes. */
    public void onChange(Runnable redraw) {
        count.addListener((Observable o) -> redraw.run());
        query.addListener((Observable o) -> redraw.run());
    }

    /**
     * Whether a list of {@code size} items is long enough to need the filter (the view shows its controls then).
     *
     * @param size items in the list
     * @return true above the default count
     */
    public boolean needed(int size) {
        return size > defaultCount;
    }

    /**
     * Selects the items to show and updates the summary.
     *
     * @param items  all items in their natural order
     * @param name   an item's name (searched)
     * @param score  an item's score, in the view's own terms (larger worse when {@code worstIsMax}); NaN: no value
     * @param pinned names always shown (the selected layer)
     * @param <T>    the item type
     * @return the selection
     */
    public <T> WorstSelection<T> select(List<T> items, Function<T, String> name, ToDoubleFunction<T> score,
                                        Collection<String> pinned) {
        int n = Math.max(1, count.get());
        String q = query.get();
        WorstSelection<T> s;
        if (worstIsMax) {
            s = WorstSelection.of(items, name, score, n, q, pinned);
        } else {
            s = WorstSelection.lowest(items, name, score, n, q);
        }
        String rest = s.rest().describe(noun, quantity, format, worstIsMax).replace("without a value", missing);
        String found = q == null || q.isBlank() ? "" : String.format(java.util.Locale.ROOT, "%d of %d %s match '%s'",
                s.matching(), s.total(), noun, q.strip());
        summary.set(s.reduced() ? String.join(" · ", java.util.stream.Stream.of(found, rest)
                .filter(t -> !t.isEmpty()).toList()) : "");
        return s;
    }
}
