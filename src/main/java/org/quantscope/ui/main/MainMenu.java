package org.quantscope.ui.main;

import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.input.KeyCombination;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;

/**
 * The menu bar: File (open model, demo, data, image folder, recent models, quit) and Help (about). File choosers
 * remember the last folder used during the session.
 */
final class MainMenu {

    private final MenuBar root = new MenuBar();
    private final MainViewModel vm;
    private final Window owner;
    private final Menu recent = new Menu("Recent models");
    private Menu file;
    private MenuItem lastDataItem;
    private File lastFolder;

    MainMenu(MainViewModel vm, Window owner, Runnable showAbout) {
        this.vm = vm;
        this.owner = owner;
        MenuItem openModel = item("Open model…", "Shortcut+O", this::chooseModel);
        MenuItem openDemo = item("Open demo", null, () -> vm.openDemo(false));
        MenuItem openData = item("Open data…", "Shortcut+D", () -> chooseData(false));
        MenuItem openDataLabels = item("Open data with labels file…", null, () -> chooseData(true));
        MenuItem openFolder = item("Open image folder…", null, this::chooseFolder);
        MenuItem quit = item("Quit", "Shortcut+Q", Platform::exit);
        for (MenuItem busyAware : new MenuItem[] {openModel, openDemo, openData, openDataLabels, openFolder, recent}) {
            busyAware.disableProperty().bind(vm.busyProperty());
        }
        vm.recentModels().addListener((ListChangeListener<Path>) c -> fillRecent());
        fillRecent();
        // Applies to the image folders opened afterwards (test data), like --skip-bad-files on the command line.
        CheckMenuItem skipBad = new CheckMenuItem("Skip unreadable images in folders");
        skipBad.selectedProperty().bindBidirectional(vm.skipBadFilesProperty());
        lastDataItem = skipBad;
        file = new Menu("File", null, openModel, openDemo, new SeparatorMenuItem(), openData, openDataLabels,
                openFolder, skipBad, new SeparatorMenuItem(), recent, new SeparatorMenuItem(), quit);
        Menu help = new Menu("Help", null, item("About QuantScope", null, showAbout));
        root.getMenus().addAll(file, help);
    }

    /** Inserts items into the File menu after the last item that opens data. */
    void addFileItems(MenuItem... items) {
        int at = file.getItems().indexOf(lastDataItem) + 1;
        file.getItems().addAll(at, java.util.List.of(items));
        lastDataItem = items[items.length - 1];
    }

    MenuBar root() {
        return root;
    }

    private void fillRecent() {
        recent.getItems().clear();
        for (Path p : vm.recentModels()) {
            MenuItem mi = new MenuItem(p.getFileName() + "   —   " + p.getParent());
            mi.setMnemonicParsing(false);
            mi.setOnAction(e -> vm.openModel(p));
            recent.getItems().add(mi);
        }
        if (recent.getItems().isEmpty()) {
            MenuItem none = new MenuItem("No recent models");
            none.setDisable(true);
            recent.getItems().add(none);
        }
    }

    private void chooseModel() {
        FileChooser fc = chooser("Open ONNX model");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("ONNX models (*.onnx)", "*.onnx"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File f = fc.showOpenDialog(owner);
        if (f != null) {
            lastFolder = f.getParentFile();
            vm.openModel(f.toPath());
        }
    }

    private void chooseData(boolean withLabels) {
        FileChooser fc = chooser(withLabels ? "Open data (step 1 of 2: samples)" : "Open data");
        fc.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Data files (*.npy, *.npz, *.gz, *.idx)", "*.npy", "*.npz", "*.gz",
                        "*.idx", "*-ubyte"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File data = fc.showOpenDialog(owner);
        if (data == null) {
            return;
        }
        lastFolder = data.getParentFile();
        File labels = null;
        if (withLabels) {
            FileChooser lc = chooser("Open data (step 2 of 2: labels for " + data.getName() + ")");
            lc.getExtensionFilters().addAll(
                    new FileChooser.ExtensionFilter("Label files (*.npy, *.gz, *.idx)", "*.npy", "*.gz", "*.idx",
                            "*-ubyte"),
                    new FileChooser.ExtensionFilter("All files", "*"));
            labels = lc.showOpenDialog(owner);
            if (labels == null) {
                return;
            }
        }
        vm.openData(new DataSelection(data.toPath(), labels == null ? null : labels.toPath()));
    }

    private void chooseFolder() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open image folder (one subfolder of images per class)");
        if (lastFolder != null && lastFolder.isDirectory()) {
            dc.setInitialDirectory(lastFolder);
        }
        File dir = dc.showDialog(owner);
        if (dir != null) {
            lastFolder = dir.getParentFile();
            vm.openData(new DataSelection(dir.toPath(), null, vm.skipBadFilesProperty().get()));
        }
    }

    private FileChooser chooser(String title) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title);
        if (lastFolder != null && lastFolder.isDirectory()) {
            fc.setInitialDirectory(lastFolder);
        }
        return fc;
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem mi = new MenuItem(text);
        if (accelerator != null) {
            mi.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        mi.setOnAction(e -> action.run());
        return mi;
    }
}
