package org.quantscope.ui.main;

import javafx.beans.value.ObservableStringValue;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.Separator;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The bottom line of the window: the latest status, the model path, its SHA-256 prefix and the evaluation throughput.
 */
final class StatusBar {

    private final HBox root = new HBox(10);

    StatusBar(MainViewModel vm) {
        Label status = label("statusLabel", vm.statusTextProperty());
        status.setMinWidth(260);
        HBox.setHgrow(status, Priority.ALWAYS);
        status.setMaxWidth(Double.MAX_VALUE);
        Label path = label("modelPathLabel", vm.modelPathTextProperty());
        path.setTextOverrun(OverrunStyle.LEADING_ELLIPSIS);
        path.setMinWidth(80);
        path.setMaxWidth(520);
        Label sha = label("shaLabel", vm.shaTextProperty());
        sha.getStyleClass().add("mono");
        Label speed = label("throughputLabel", vm.throughputTextProperty());
        Separator speedSeparator = separator();
        for (Node n : new Node[] {speed, speedSeparator}) {
            n.visibleProperty().bind(vm.throughputTextProperty().isNotEmpty());
            n.managedProperty().bind(n.visibleProperty());
        }
        root.getChildren().addAll(status, separator(), path, separator(), sha, speedSeparator, speed);
        root.setAlignment(Pos.CENTER_LEFT);
        root.getStyleClass().add("status-bar");
    }

    HBox root() {
        return root;
    }

    private static Label label(String id, ObservableStringValue text) {
        Label l = new Label();
        l.setId(id);
        l.textProperty().bind(text);
        l.setMinWidth(Label.USE_PREF_SIZE);
        return l;
    }

    private static Separator separator() {
        return new Separator(Orientation.VERTICAL);
    }
}
