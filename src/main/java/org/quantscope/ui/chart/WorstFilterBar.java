package org.quantscope.ui.chart;

import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;

/**
 * The controls of a {@link WorstFilter}: "Worst [N]" and a search field. Ids: {@code <prefix>Worst} (the spinner) and
 * {@code <prefix>Search}. The owner shows it only when its list is long ({@link WorstFilter#needed}).
 */
public final class WorstFilterBar {

    private final HBox root;
    private final Spinner<Integer> count;
    private final TextField search = new TextField();

    /**
     * @param filter the filter it edits
     * @param prefix id prefix
     */
    public WorstFilterBar(WorstFilter filter, String prefix) {
        Label worst = new Label("Worst");
        worst.getStyleClass().add("field-label");
        worst.setMinWidth(Region.USE_PREF_SIZE);
        count = new Spinner<>(1, 500, filter.countProperty().get());
        count.setId(prefix + "Worst");
        count.setEditable(true);
        count.setPrefWidth(76);
        count.setMinWidth(Region.USE_PREF_SIZE);
        count.setTooltip(new Tooltip("How many of the worst " + filter.noun() + " to show; the others are summarised "
                + "below the chart"));
        count.valueProperty().addListener((o, was, now) -> filter.countProperty().set(now));
        filter.countProperty().addListener((o, was, now) -> {
            if (!now.equals(count.getValue())) {
                count.getValueFactory().setValue(now.intValue());
            }
        });
        count.focusedProperty().addListener((o, was, focused) -> {
            if (!focused) {
                commit();
            }
        });
        count.getEditor().setOnAction(e -> commit());
        search.setId(prefix + "Search");
        search.setPromptText("Search");
        search.setTooltip(new Tooltip("Show only the " + filter.noun() + " whose name contains this text (any case)"));
        search.setPrefColumnCount(9);
        search.setMinWidth(90);
        search.textProperty().bindBidirectional(filter.queryProperty());
        root = new HBox(6, worst, count, search);
        root.setAlignment(Pos.CENTER_LEFT);
        root.managedProperty().bind(root.visibleProperty());
    }

    private void commit() {
        try {
            int v = Integer.parseInt(count.getEditor().getText().strip());
            count.getValueFactory().setValue(Math.max(1, Math.min(500, v)));
        } catch (NumberFormatException e) {
            count.getEditor().setText(String.valueOf(count.getValue()));
        }
    }

    /** The controls. */
    public HBox root() {
        return root;
    }

    /** Shows the controls only when {@code needed}. */
    public void setNeeded(boolean needed) {
        root.setVisible(needed);
    }
}
