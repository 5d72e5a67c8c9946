package org.quantscope.ui.main;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

import java.io.File;
import java.util.List;
import java.util.Objects;

/**
 * The main window's content: menu, header with the model name, data, progress and Evaluate/Cancel controls, tabs (the
 * model overview with the summary tiles and the layer table beside the per-class accuracy chart, plus tabs added with
 * {@link #addTab}), and the status bar. It only binds to {@link MainViewModel};
 * dropping a file on it hands the file to the view model.
 */
public final class MainView {

    /** The window's stylesheet (dark theme). */
    public static final String STYLESHEET = Objects.requireNonNull(
            MainView.class.getResource("/org/quantscope/ui/quantscope-dark.css")).toExternalForm();

    private final MainViewModel vm;
    private final Stage stage;
    private final BorderPane root = new BorderPane();
    private final TabPane tabs = new TabPane();
    private final MainMenu menu;

    /**
     * Builds the view.
     *
     * @param vm    the view model
     * @param stage the window (owner of file choosers and dialogs; its title follows the model)
     */
    public MainView(MainViewModel vm, Stage stage) {
        this.vm = vm;
        this.stage = stage;
        stage.titleProperty().bind(vm.titleProperty());
        vm.setMessageHandler(m -> showError(m.title(), m.text()));
        menu = new MainMenu(vm, stage, this::showAbout);

        VBox overview = new VBox(new SummaryTiles(vm).root(), panels());
        VBox.setVgrow(overview.getChildren().get(1), Priority.ALWAYS);
        overview.setPadding(new Insets(12, 0, 0, 0));
        Tab modelTab = new Tab("Model", overview);
        modelTab.setId("modelTab");
        tabs.getTabs().add(modelTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getStyleClass().add("main-tabs");
        VBox content = new VBox(header(), tabs);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        content.setPadding(new Insets(14, 16, 12, 16));
        content.getStyleClass().add("content");

        root.setTop(menu.root());
        root.setCenter(content);
        root.setBottom(new StatusBar(vm).root());
        root.getStyleClass().add("main-view");
        root.getStylesheets().add(STYLESHEET);
        root.setOnDragOver(this::dragOver);
        root.setOnDragEntered(e -> {
            if (e.getDragboard().hasFiles()) {
                root.getStyleClass().add("drop-target");
            }
        });
        root.setOnDragExited(e -> root.getStyleClass().remove("drop-target"));
        root.setOnDragDropped(this::dropped);
    }

    /** The root node, to put in a scene. */
    public Parent root() {
        return root;
    }

    /**
     * Adds a tab after the model overview (for example the quantization panel).
     *
     * @param id      the tab's id
     * @param title   the tab's title
     * @param content what the tab shows
     * @return the tab
     */
    public Tab addTab(String id, String title, Node content) {
        Tab tab = new Tab(title, content);
        tab.setId(id);
        tabs.getTabs().add(tab);
        return tab;
    }

    /** The tabs of the window (model overview first). */
    public TabPane tabs() {
        return tabs;
    }

    /**
     * Adds items to the File menu, after the items that open test data.
     *
     * @param items the menu items
     */
    public void addFileMenuItems(MenuItem... items) {
        menu.addFileItems(items);
    }

    private Region header() {
        Label model = new Label();
        model.setId("modelNameLabel");
        model.getStyleClass().add("model-name");
        model.textProperty().bind(Bindings.createStringBinding(() ->
                vm.summaryProperty().get() == null ? "No model open" : vm.summaryProperty().get().fileName(),
                vm.summaryProperty()));
        Label data = new Label();
        data.setId("dataLabel");
        data.getStyleClass().add("data-line");
        data.textProperty().bind(Bindings.concat("Test data: ", vm.dataTextProperty()));
        VBox names = new VBox(2, model, data);
        names.setMinWidth(0);
        HBox.setHgrow(names, Priority.ALWAYS);

        Button evaluate = new Button("Evaluate FP32");
        evaluate.setId("evaluateButton");
        evaluate.getStyleClass().add("accent");
        evaluate.setDefaultButton(true);
        evaluate.disableProperty().bind(vm.canEvaluateBinding().not());
        evaluate.setOnAction(e -> vm.evaluate());
        evaluate.setMinWidth(Region.USE_PREF_SIZE);

        ProgressBar progress = new ProgressBar();
        progress.setId("progressBar");
        progress.setPrefWidth(220);
        progress.progressProperty().bind(vm.progressProperty());
        Label message = new Label();
        message.getStyleClass().add("progress-message");
        message.textProperty().bind(vm.progressMessageProperty());
        message.setMinWidth(Region.USE_PREF_SIZE);
        VBox progressBox = new VBox(3, progress, message);
        progressBox.setAlignment(Pos.CENTER_LEFT);
        progressBox.visibleProperty().bind(vm.busyProperty());

        Button cancel = new Button("Cancel");
        cancel.setId("cancelButton");
        cancel.disableProperty().bind(vm.busyProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        cancel.setMinWidth(Region.USE_PREF_SIZE);

        HBox header = new HBox(14, names, progressBox, cancel, evaluate);
        header.setAlignment(Pos.CENTER_LEFT);
        header.setPadding(new Insets(0, 0, 12, 0));
        header.getStyleClass().add("header");
        return header;
    }

    private SplitPane panels() {
        SplitPane split = new SplitPane(new LayerTable(vm).root(), new ClassAccuracyChart(vm).root());
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.56);
        split.getStyleClass().add("panels");
        return split;
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY);
        }
        e.consume();
    }

    private void dropped(DragEvent e) {
        List<File> files = e.getDragboard().hasFiles() ? e.getDragboard().getFiles() : List.of();
        e.setDropCompleted(!files.isEmpty());
        e.consume();
        if (!files.isEmpty()) {
            vm.openDropped(files.stream().map(File::toPath).toList());
        }
    }

    private void showError(String title, String text) {
        Alert alert = new Alert(Alert.AlertType.ERROR, text, ButtonType.OK);
        alert.setHeaderText(title);
        alert.setTitle("QuantScope");
        style(alert);
        alert.show();
    }

    private void showAbout() {
        Alert alert = new Alert(Alert.AlertType.INFORMATION, vm.aboutText(), ButtonType.OK);
        alert.setHeaderText("About QuantScope");
        alert.setTitle("QuantScope");
        style(alert);
        alert.show();
    }

    private void style(Alert alert) {
        alert.initOwner(stage);
        DialogPane pane = alert.getDialogPane();
        pane.getStylesheets().add(STYLESHEET);
        pane.setMinWidth(520);
        pane.setMinHeight(Region.USE_PREF_SIZE);
    }
}
