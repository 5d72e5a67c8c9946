package org.quantscope.core.util;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Which items of a long list (1,000 classes, 200 layers) a table or chart shows: the {@code count} worst by a score
 * (largest first; for accuracy pass a negated value or use {@link #of} with {@code lowerIsWorse}), narrowed to the
 * names containing a search text, always including some pinned items (the selected layer), and a summary of the
 * items left out ("990 other classes: mean drop 0.41, max 2.10"). When every item fits and there is no search, the
 * items keep their original order, so short lists (the 10-class demo) look exactly as before.
 *
 * <p>The console tables and every per-class and per-layer view of the window use this one selection, so a reduced view
 * means the same thing everywhere. Items whose score is not a number (a class without samples) count as least bad and
 * are reported separately in the summary.
 *
 * @param <T>       the item type
 * @param shown     the items to show, worst first when the list was reduced, else in the original order
 * @param shownIndex the original index of every shown item
 * @param total     all items
 * @param matching  items matching the search (all items without a search)
 * @param reduced   whether some items are left out
 * @param rest      summary of the items left out
 */
public record WorstSelection<T>(List<T> shown, List<Integer> shownIndex, int total, int matching, boolean reduced,
                                Rest rest) {

    /** Copies the lists. */
    public WorstSelection {
        shown = List.copyOf(shown);
        shownIndex = List.copyOf(shownIndex);
    }

    /**
     * The items left out of a reduced view, summarised.
     *
     * @param count    items left out
     * @param scored   of those, items with a finite score
     * @param mean     mean score of the scored ones (NaN when none)
     * @param min      smallest score (NaN when none)
     * @param max      largest score (NaN when none)
     */
    public record Rest(int count, int scored, double mean, double min, double max) {

        /** Nothing left out. */
        public static final Rest NONE = new Rest(0, 0, Double.NaN, Double.NaN, Double.NaN);

        /**
         * A sentence such as {@code "990 other classes: mean drop 0.41, max 2.10 points"}, empty when nothing is left
         * out.
         *
         * @param noun     the items in plural ("classes", "layers")
         * @param quantity what the score is ("drop", "accuracy")
         * @param format   format of one score value, e.g. {@code "%.2f points"}
         * @param worstIsMax whether the worst left-out value is the maximum (drop) or the minimum (accuracy)
         * @return the sentence
         */
        public String describe(String noun, String quantity, String format, boolean worstIsMax) {
            if (count == 0) {
                return "";
            }
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%,d other %s", count, noun));
            if (scored > 0) {
                b.append(String.format(Locale.ROOT, ": mean %s " + format + ", %s " + format, quantity, mean,
                        worstIsMax ? "max" : "min", worstIsMax ? max : min));
            }
            if (scored < count) {
                b.append(String.format(Locale.ROOT, "%s%,d without a value", scored > 0 ? "; " : ": ", count - scored));
            }
            return b.toString();
        }
    }

    /**
     * Selects the worst items.
     *
     * @param items   all items, in their natural order (class index, graph order)
     * @param name    an item's name, searched case-insensitively
     * @param score   an item's score: larger is worse (NaN: no value)
     * @param count   how many worst items to show at most (0 or less: all)
     * @param query   search text, or null/blank for none
     * @param pinned  names always shown when they match (the selected layer), may be empty
     * @param <T>     the item type
     * @return the selection
     */
    public static <T> WorstSelection<T> of(List<T> items, Function<T, String> name, ToDoubleFunction<T> score,
                                           int count, String query, Collection<String> pinned) {
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (q.isEmpty() || name.apply(items.get(i)).toLowerCase(Locale.ROOT).contains(q)) {
                candidates.add(i);
            }
        }
        int limit = count <= 0 ? Integer.MAX_VALUE : count;
        if (q.isEmpty() && candidates.size() <= limit) {
            return new WorstSelection<>(items, candidates, items.size(), items.size(), false, Rest.NONE);
        }
        Comparator<Integer> worstFirst = (a, b) -> {
            double sa = score.applyAsDouble(items.get(a));
            double sb = score.applyAsDouble(items.get(b));
            boolean na = Double.isNaN(sa);
            boolean nb = Double.isNaN(sb);
            if (na != nb) {
                return na ? 1 : -1;
            }
            int c = na ? 0 : Double.compare(sb, sa);
            return c != 0 ? c : Integer.compare(a, b);
        };
        List<Integer> ranked = new ArrayList<>(candidates);
        ranked.sort(worstFirst);
        List<Integer> chosen = new ArrayList<>(ranked.subList(0, Math.min(limit, ranked.size())));
        Set<String> pins = pinned == null ? Set.of() : Set.copyOf(pinned);
        for (int i : ranked) {
            if (!chosen.contains(i) && pins.contains(name.apply(items.get(i)))) {
                chosen.add(i);
            }
        }
        chosen.sort(worstFirst);
        boolean[] isShown = new boolean[items.size()];
        List<T> shown = new ArrayList<>();
        for (int i : chosen) {
            isShown[i] = true;
            shown.add(items.get(i));
        }
        int left = 0;
        int scored = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < items.size(); i++) {
            if (isShown[i]) {
                continue;
            }
            left++;
            double s = score.applyAsDouble(items.get(i));
            if (Double.isFinite(s)) {
                scored++;
                sum += s;
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
        }
        Rest rest = left == 0 ? Rest.NONE : scored == 0 ? new Rest(left, 0, Double.NaN, Double.NaN, Double.NaN)
                : new Rest(left, scored, sum / scored, min, max);
        return new WorstSelection<>(shown, chosen, items.size(), candidates.size(), left > 0 || !q.isEmpty(), rest);
    }

    /**
     * Selects the worst items where a lower score is worse (accuracy): the summary's values stay in the item's own
     * terms (not negated).
     *
     * @param items  all items
     * @param name   an item's name
     * @param value  an item's value: smaller is worse (NaN: no value)
     * @param count  how many to show at most (0 or less: all)
     * @param query  search text, or null
     * @param <T>    the item type
     * @return the selection
     */
    public static <T> WorstSelection<T> lowest(List<T> items, Function<T, String> name, ToDoubleFunction<T> value,
                                               int count, String query) {
        WorstSelection<T> s = of(items, name, t -> -value.applyAsDouble(t), count, query, List.of());
        Rest r = s.rest();
        Rest flipped = r.scored() == 0 ? r : new Rest(r.count(), r.scored(), -r.mean(), -r.max(), -r.min());
        return new WorstSelection<>(s.shown(), s.shownIndex(), s.total(), s.matching(), s.reduced(), flipped);
    }

    /** Items left out. */
    public int hidden() {
        return total - shown.size();
    }
}
