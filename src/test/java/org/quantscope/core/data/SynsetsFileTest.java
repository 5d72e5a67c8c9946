package org.quantscope.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --class-names} in the three layouts: good files, and bad ones with a message naming file and line. */
class SynsetsFileTest {

    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private String error(Path f) {
        return assertThrows(InputException.class, () -> ClassNames.parse(f)).getMessage();
    }

    @Test
    void indexedSynsetsInAnyOrderGiveTheFirstSynonym() throws Exception {
        Path f = file("synsets.txt", "1\tn01443537\tgoldfish, Carassius auratus\n"
                + "0\tn01440764\ttench, Tinca tinca\n2\tn01484850\tgreat white shark, white shark, man-eater\n\n");
        ClassNames.File p = ClassNames.parse(f);
        assertEquals(ClassNames.Layout.INDEXED, p.layout());
        assertEquals(List.of("tench", "goldfish", "great white shark"), p.names());
        assertEquals(List.of("n01440764", "n01443537", "n01484850"), p.ids());
        assertEquals(List.of(2, 1, 3), p.lines());
    }

    @Test
    void locSynsetMappingWithASpaceAfterTheIdAndSharedNamesDisambiguated() throws Exception {
        Path f = file("LOC_synset_mapping.txt", "\uFEFFn01440764 tench, Tinca tinca\nn02012849 crane\n"
                + "n03126707 crane\nn01443537 goldfish, Carassius auratus\n");
        ClassNames.File p = ClassNames.parse(f);
        assertEquals(ClassNames.Layout.SYNSET_MAPPING, p.layout());
        assertEquals(List.of("tench", "crane (n02012849)", "crane (n03126707)", "goldfish"), p.names());
    }

    @Test
    void plainNamesKeepTheirCommas() throws Exception {
        ClassNames.File p = ClassNames.parse(file("names.txt", "T-shirt/top\nShirt, long\n"));
        assertEquals(ClassNames.Layout.PLAIN, p.layout());
        assertEquals(List.of("T-shirt/top", "Shirt, long"), p.names());
    }

    @Test
    void badFilesNameTheFileAndLine() throws Exception {
        assertEquals("dup.txt line 3 repeats index 1 of line 2; every class index from 0 to 2 must appear exactly "
                + "once", error(file("dup.txt", "0\ta\tx\n1\tb\ty\n1\tc\tz\n")));
        assertEquals("gap.txt has no line for class index 2: its 3 lines must number the classes 0 to 2 exactly once "
                + "(line 3 has index 3)", error(file("gap.txt", "0\ta\tx\n1\tb\ty\n3\tc\tz\n")));
        assertEquals("ids.txt line 2 repeats the id n01440764 of line 1; every class needs its own id",
                error(file("ids.txt", "0\tn01440764\tx\n1\tn01440764\ty\n")));
        String mixed = error(file("mixed.txt", "0\tn01440764\ttench\ngoldfish\n"));
        assertEquals("mixed.txt line 2 is not 'index<TAB>id<TAB>name' like line 1: 'goldfish'", mixed);
        assertTrue(error(file("blank.txt", "0\ta\tx\n\n2\tc\tz\n")).startsWith("blank.txt line 2 is not"));
        assertEquals("noname.txt line 1 has no class name after its id", error(file("noname.txt", "0\ta\t \n")));
        assertTrue(error(file("loc.txt", "n01440764 tench\ngoldfish\n")).startsWith("loc.txt line 2 is not 'id name'"));
    }

    @Test
    void aCountThatDoesNotMatchTheModelIsRefusedNamingTheFile() throws Exception {
        Path data = TestFiles.writeNpy(dir.resolve("x.npy"), "<f4", new long[] {2, 3},
                TestFiles.f32(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
        Path labels = TestFiles.writeNpy(dir.resolve("y.npy"), "<i8", new long[] {2},
                TestFiles.i64(ByteOrder.LITTLE_ENDIAN, 0, 1));
        Path synsets = file("synsets.txt", "0\tn1\tcat\n1\tn2\tdog\n");
        DataSpec spec = new DataSpec(data, labels, null, synsets, PreprocessingOptions.NONE, 0);
        InputException e = assertThrows(InputException.class, () -> DatasetLoader.open(spec, new int[] {3}, 3));
        assertEquals("synsets.txt has 2 classes (index<TAB>id<TAB>name lines, the last on line 2) but the model has 3 "
                + "outputs; give one class per output", e.getMessage());
        try (Dataset ok = DatasetLoader.open(spec, new int[] {3}, 2)) {
            assertEquals(List.of("cat", "dog"), ok.classNames());
        }
    }

    @Test
    void imageFolderNamedBySynsetIdsGetsTheNamesOfThoseIds() throws Exception {
        Path root = dir.resolve("images");
        for (String id : List.of("n01443537", "n01440764")) {
            Files.createDirectories(root.resolve(id));
            TestFiles.grayPng(root.resolve(id).resolve("a.png"), TestFiles.uniform(4, 4, 100));
        }
        // The file lists the ids in another order than the sorted folders, and one id more.
        Path synsets = file("LOC_synset_mapping.txt", "n01484850 great white shark\nn01443537 goldfish, "
                + "Carassius auratus\nn01440764 tench, Tinca tinca\n");
        DataSpec spec = new DataSpec(root, null, null, synsets, PreprocessingOptions.NONE, 0);
        try (Dataset ds = DatasetLoader.open(spec, new int[] {1, 4, 4}, 2)) {
            assertEquals(List.of("tench", "goldfish"), ds.classNames(), "sorted folders, names by id");
        }
        Files.createDirectories(root.resolve("n09999999"));
        TestFiles.grayPng(root.resolve("n09999999").resolve("a.png"), TestFiles.uniform(4, 4, 100));
        InputException e = assertThrows(InputException.class, () -> DatasetLoader.open(spec, new int[] {1, 4, 4},
                3));
        assertTrue(e.getMessage().contains("has a subfolder n09999999 that LOC_synset_mapping.txt does not list"),
                e.getMessage());
    }
}
