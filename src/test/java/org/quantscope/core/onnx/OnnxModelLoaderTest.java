package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxModelLoaderTest {

    @TempDir
    Path dir;

    private Path write(String name, OnnxMl.ModelProto m) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, m.toByteArray());
        return p;
    }

    @Test
    void parsesGraphAndGroupsGemmWithReluThroughIdentity() throws Exception {
        OnnxModel m = OnnxModelLoader.load(write("g.onnx", TestModels.gemmRelu(0)));
        assertEquals(13, m.opset());
        assertEquals(1, m.inputs().size());
        assertEquals("x", m.inputs().get(0).name());
        assertArrayEquals(new long[] {-1, 3}, m.inputs().get(0).shape());
        assertEquals("[batch, 3]", m.inputs().get(0).shapeText());
        assertEquals(8, m.parameterCount());
        assertEquals(1, m.layers().size());
        Layer l = m.layers().get(0);
        assertEquals(LayerKind.GEMM, l.kind());
        assertEquals("W", l.weightName(), "Identity-forwarded weight resolves to its initializer");
        assertEquals(ActivationKind.RELU, l.activationKind());
        assertNull(l.batchNorm());
        assertEquals("y", l.output());
        assertEquals(8, l.parameters());
        assertEquals(64, m.sha256().length());
    }

    @Test
    void groupsConvWithBatchNormAndClipBoundsFromConstantNodes() throws Exception {
        OnnxModel m = OnnxModelLoader.load(write("c.onnx", TestModels.convBnClip()));
        Layer l = m.layers().get(0);
        assertEquals(LayerKind.CONV, l.kind());
        assertNotNull(l.batchNorm());
        assertEquals(ActivationKind.RELU6, l.activationKind());
        assertEquals(0.0, l.clipMin());
        assertEquals(6.0, l.clipMax());
        assertEquals("a", l.output());
        assertEquals("Conv + BN + ReLU6", l.fusedText());
    }

    @Test
    void notOnnxFileGetsClearMessage() throws Exception {
        Path p = dir.resolve("notes.onnx");
        Files.writeString(p, "this is a text file, not a model\n");
        InputException e = assertThrows(InputException.class, () -> OnnxModelLoader.load(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("ONNX"), e.getMessage());
    }

    @Test
    void truncatedModelIsReportedAsTruncated() throws Exception {
        byte[] full = TestModels.convBnClip().toByteArray();
        Path p = dir.resolve("cut.onnx");
        Files.write(p, Arrays.copyOf(full, full.length - 7));
        InputException e = assertThrows(InputException.class, () -> OnnxModelLoader.load(p));
        assertTrue(e.getMessage().contains("cut.onnx"), e.getMessage());
    }

    @Test
    void missingAndEmptyFiles() throws Exception {
        Path missing = dir.resolve("nope.onnx");
        assertTrue(assertThrows(InputException.class, () -> OnnxModelLoader.load(missing)).getMessage()
                .contains("not found"));
        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        assertTrue(assertThrows(InputException.class, () -> OnnxModelLoader.load(empty)).getMessage()
                .contains("empty"));
    }

    @Test
    void modelWithoutInputsLoadsButCannotBeFed() throws Exception {
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("noin")
                .addOutput(TestModels.value("k", 1, 2))
                .addNode(TestModels.node("Constant", "k", List.of(), List.of("k"),
                        TestModels.tensorAttr("value", TestModels.floats("", new long[] {2}, 1, 2))))
                .build();
        Path p = write("noin.onnx", TestModels.model(g, 13));
        OnnxModel m = OnnxModelLoader.load(p);
        assertEquals(List.of(), m.inputs());
        InputException e = assertThrows(InputException.class, () -> ModelCapabilities.requireFeedable(m));
        assertTrue(e.getMessage().contains("noin.onnx") && e.getMessage().contains("no graph input"), e.getMessage());
        assertThrows(InputException.class, () -> InferenceSession.open(m, SessionSettings.DEFAULT));
    }

    @Test
    void opsetBelow7IsRejectedWithAConversionHintAndNewerOnlyWarns() throws Exception {
        OnnxMl.ModelProto old = TestModels.gemmRelu(0).toBuilder().setOpsetImport(0,
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(6)).build();
        Path p = write("old.onnx", old);
        String message = assertThrows(InputException.class, () -> OnnxModelLoader.load(p)).getMessage();
        assertTrue(message.contains("old.onnx") && message.contains("opset 6") && message.contains("opset 7 or newer")
                && message.contains("convert_version"), message);
        OnnxMl.ModelProto newer = TestModels.gemmRelu(0).toBuilder().setOpsetImport(0,
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(22)).build();
        assertEquals(1, OnnxModelLoader.load(write("new.onnx", newer)).warnings().size());
    }

    @Test
    void opset9ModelLoadsAsItsOpset13EquivalentAndRunsTheFileForFp32() throws Exception {
        OnnxMl.ModelProto m9 = TestModels.gemmRelu(0).toBuilder().setIrVersion(4).setOpsetImport(0,
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(9)).build();
        OnnxModel m = OnnxModelLoader.load(write("o9.onnx", m9));
        assertEquals(9, m.origin().opset());
        assertEquals(4, m.origin().irVersion());
        assertEquals(13, m.opset());
        assertEquals(7, m.irVersion());
        assertEquals(List.of("opset 9 -> 13"), m.origin().changes());
        assertTrue(m.origin().problem().isEmpty());
        assertEquals(1, m.layers().size());
        try (InferenceSession s = InferenceSession.open(m, SessionSettings.DEFAULT)) {
            float[] y = s.run(new float[] {1, 0, 0}, new long[] {1, 3}, org.quantscope.core.util.CancellationToken
                    .none()).get("y").data();
            assertArrayEquals(new float[] {1.5f, 0f}, y, 1e-6f);
        }
    }

    @Test
    void opset21ModelLoadsAndRunsWithoutWarnings() throws Exception {
        OnnxMl.ModelProto m21 = TestModels.gemmRelu(0).toBuilder().setIrVersion(10).setOpsetImport(0,
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(21)).build();
        OnnxModel m = OnnxModelLoader.load(write("o21.onnx", m21));
        assertEquals(21, m.opset());
        assertTrue(m.warnings().isEmpty());
        try (InferenceSession s = InferenceSession.open(m, SessionSettings.DEFAULT)) {
            float[] y = s.run(new float[] {1, 0, 0}, new long[] {1, 3}, org.quantscope.core.util.CancellationToken
                    .none()).get("y").data();
            assertArrayEquals(new float[] {1.5f, 0f}, y, 1e-6f);
        }
    }

    private static OnnxMl.ModelProto withExternalWeight(String location) {
        OnnxMl.ModelProto m = TestModels.gemmRelu(0);
        OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
        OnnxMl.TensorProto w = g.getInitializer(0).toBuilder().clearRawData()
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("offset").setValue("4"))
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("length").setValue("24"))
                .build();
        g.setInitializer(0, w);
        return m.toBuilder().setGraph(g).build();
    }

    private static byte[] weightBytesAtOffset4() {
        ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(99f);
        for (float f : new float[] {1, 2, 3, -1, 0, 1}) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void externalDataInsideTheFolderIsReadAndRuns() throws Exception {
        Files.write(dir.resolve("weights.bin"), weightBytesAtOffset4());
        OnnxModel m = OnnxModelLoader.load(write("ext.onnx", withExternalWeight("weights.bin")));
        assertArrayEquals(new float[] {1, 2, 3, -1, 0, 1}, m.constants().get("W").floats());
        try (InferenceSession s = InferenceSession.open(m, SessionSettings.DEFAULT)) {
            float[] y = s.run(new float[] {1, 1, 1}, new long[] {1, 3}, org.quantscope.core.util.CancellationToken
                    .none()).get("y").data();
            assertArrayEquals(new float[] {6.5f, 0f}, y, 1e-6f);
        }
    }

    @Test
    void externalDataOutsideTheFolderIsRefused() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("model"));
        Files.write(dir.resolve("secret.bin"), weightBytesAtOffset4());
        Path p = sub.resolve("ext.onnx");
        Files.write(p, withExternalWeight("../secret.bin").toByteArray());
        InputException e = assertThrows(InputException.class, () -> OnnxModelLoader.load(p));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
        Files.write(p, withExternalWeight("/etc/passwd").toByteArray());
        assertTrue(assertThrows(InputException.class, () -> OnnxModelLoader.load(p)).getMessage()
                .contains("outside"));
    }

    @Test
    void missingExternalDataFileIsNamed() throws Exception {
        Path p = write("ext.onnx", withExternalWeight("gone.bin"));
        InputException e = assertThrows(InputException.class, () -> OnnxModelLoader.load(p));
        assertTrue(e.getMessage().contains("gone.bin") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void nonFloatInputLoadsButCannotBeFed() throws Exception {
        OnnxMl.ModelProto m = TestModels.gemmRelu(0);
        OnnxMl.GraphProto g = m.getGraph().toBuilder().setInput(0, TestModels.value("x", 7, "batch", 3)).build();
        Path p = write("int.onnx", m.toBuilder().setGraph(g).build());
        OnnxModel loaded = OnnxModelLoader.load(p);
        assertEquals("input 'x' is int64; QuantScope feeds float32 tensors",
                ModelCapabilities.feedProblem(loaded).orElseThrow());
        assertTrue(assertThrows(InputException.class, () -> ModelCapabilities.requireFeedable(loaded)).getMessage()
                .contains("int.onnx"));
    }

    @Test
    void tensorFieldsOtherThanRawDataAreRead() {
        OnnxMl.TensorProto t = OnnxMl.TensorProto.newBuilder().setName("t").setDataType(1).addDims(2)
                .addFloatData(1.5f).addFloatData(-2f).build();
        assertArrayEquals(new float[] {1.5f, -2f}, ProtoConversions.weightTensor(t, "t").floats());
        OnnxMl.TensorProto h = OnnxMl.TensorProto.newBuilder().setName("h").setDataType(10).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0})).build();
        assertArrayEquals(new float[] {1f, -2f}, ProtoConversions.weightTensor(h, "h").floats());
    }
}
