package org.quantscope.ui.chart;

import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.OverrunStyle;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;
import org.quantscope.chart.SvgWriter;

import javax.imageio.ImageIO;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A card holding one chart: a title with optional controls on the right, the {@link PlotView} (or a placeholder text
 * while there is nothing to show), and a caption. Its context menu saves the card as PNG (a snapshot of what is on
 * screen) or the chart as SVG (written from the plot's data).
 */
public final class ChartCard {

    private final VBox root = new VBox(6);
    private final Label title = new Label();
    private final PlotView view = new PlotView();
    private final Label placeholder = new Label();
    private final Label caption = new Label();
    private Consumer<String> errors = m -> { };
    private StackPane body;

    /**
     * @param id       id of the plot view (the card gets {@code <id>Card})
     * @param heading  the title
     * @param controls nodes at the right of the title (toggles), may be empty
     */
    public ChartCard(String id, String heading, Node... controls) {
        title.setText(heading);
        title.getStyleClass().add("card-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox top = new HBox(8, title, gap);
        top.getChildren().addAll(controls);
        top.setAlignment(Pos.CENTER_LEFT);
        view.setId(id);
        placeholder.getStyleClass().add("placeholder");
        placeholder.setWrapText(true);
        placeholder.setPadding(new Insets(0, 16, 0, 16));
        body = new StackPane(view, placeholder);
        body.setMinHeight(0);
        VBox.setVgrow(body, Priority.ALWAYS);
        caption.getStyleClass().add("chart-caption");
        caption.setTextOverrun(OverrunStyle.ELLIPSIS);
        caption.setWrapText(true);
        caption.setMinHeight(Region.USE_PREF_SIZE);
        caption.setMinWidth(0);
        caption.setMaxWidth(Double.MAX_VALUE);
        caption.managedProperty().bind(caption.textProperty().isNotEmpty());
        caption.visibleProperty().bind(caption.managedProperty());
        root.getChildren().addAll(top, body, caption);
        root.getStyleClass().addAll("card", "chart-card");
        root.setId(id + "Card");
        root.setMinSize(0, 0);
        MenuItem png = new MenuItem("Save as PNG…");
        png.setOnAction(e -> choose("PNG image", "*.png").ifPresent(f -> run(() -> savePng(f))));
        MenuItem svg = new MenuItem("Save as SVG…");
        svg.setOnAction(e -> choose("SVG drawing", "*.svg").ifPresent(f -> run(() -> saveSvg(f))));
        ContextMenu menu = new ContextMenu(png, svg);
        root.setOnContextMenuRequested(e -> {
            svg.setDisable(view.getPlot() == null);
            menu.show(root, e.getScreenX(), e.getScreenY());
            e.consume();
        });
        show(null, "");
    }

    /** The card. */
    public VBox root() {
        return root;
    }

    /** The plot view. */
    public PlotView view() {
        return view;
    }

    /** Changes the title (a chart whose subject changes: before and after a step, then the final configuration). */
    public void setHeading(String heading) {
        title.setText(heading);
    }

    /** The caption below the chart. */
    public Label caption() {
        return caption;
    }

    /**
     * Puts the chart in a scroll pane that scrolls when its categories (classes, layers) need more room than the card
     * has, so every label stays readable, once the chart asks for it ({@link PlotView#setReadableCategories}); until
     * then it fills the card as before.
     */
    public void scrollCategories() {
        if (view.getParent() != body) {
            return;
        }
        javafx.scene.control.ScrollPane scroll = CategoryRows.scroll(view);
        scroll.visibleProperty().bind(view.visibleProperty());
        body.getChildren().set(0, scroll);
    }

    /** Receives the text of a failed export, for a dialog. */
    public void setOnError(Consumer<String> handler) {
        errors = handler;
    }

    /**
     * Shows a plot, or the placeholder text when {@code plot} is null.
     *
     * @param plot  the chart, or null
     * @param empty what to say when there is nothing to show
     */
    public void show(Plot plot, String empty) {
        view.setPlot(plot);
        view.setVisible(plot != null);
        placeholder.setText(empty);
        placeholder.setVisible(plot == null);
    }

    /**
     * Saves a snapshot of the card (title, chart, caption) as PNG, at the card's size on screen.
     *
     * @param file where to write
     * @throws IOException when writing fails
     */
    public void savePng(Path file) throws IOException {
        SnapshotParameters params = new SnapshotParameters();
        params.setFill(javafx.scene.paint.Color.web(view.getTheme().color(ColorRole.BACKGROUND)));
        WritableImage image = root.snapshot(params, null);
        if (!ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    /**
     * Saves the chart as SVG, drawn from its data at the card's size in the view's theme.
     *
     * @param file where to write
     * @throws IOException when writing fails or no chart is shown
     */
    public void saveSvg(Path file) throws IOException {
        Plot p = view.getPlot();
        if (p == null) {
            throw new IOException("there is no chart to save yet");
        }
        SvgWriter.write(p, title.getText(), caption.getText(), Math.max(root.getWidth(), 480),
                Math.max(root.getHeight(), 320), view.getTheme(), file);
    }

    private java.util.Optional<Path> choose(String description, String pattern) {
        FileChooser fc = new FileChooser();
        fc.setTitle("Save " + title.getText());
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(description, pattern));
        fc.setInitialFileName(title.getText().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                + pattern.substring(1));
        File f = fc.showSaveDialog(root.getScene() == null ? null : root.getScene().getWindow());
        return java.util.Optional.ofNullable(f).map(File::toPath);
    }

    private void run(IoAction action) {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            errors.accept("Could not save " + title.getText() + ": " + e.getMessage());
        }
    }

    /** An export that may fail. */
    private interface IoAction {
        void run() throws IOException;
    }
}
