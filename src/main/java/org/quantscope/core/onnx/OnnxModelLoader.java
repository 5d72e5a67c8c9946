package org.quantscope.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import org.quantscope.core.InputException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads an ONNX file into an {@link OnnxModel}, validating what QuantScope needs and turning every problem into an
 * {@link InputException} that names the file and says what was expected. External data ({@code data_location}) is read
 * only from files inside the model's folder and inlined, so the model can be handed to ONNX Runtime as bytes.
 *
 * <p>Any valid model of opset {@value #MIN_OPSET} or newer loads, whatever its inputs: what cannot be done with it is
 * said by {@link ModelCapabilities}. A file of opset 7 to 12, or one listing initializers as graph inputs, is analysed
 * as its equivalent opset-13 graph ({@link ModelOrigin}, decision 0017); its own bytes still run its FP32
 * evaluations, and its SHA-256 is the file's.
 */
public final class OnnxModelLoader {

    /** Lowest default-domain opset QuantScope supports (ONNX Runtime's own lower limit). */
    public static final long MIN_OPSET = 7;
    /** Highest default-domain opset QuantScope was tested with; newer ones load with a warning. */
    public static final long MAX_TESTED_OPSET = 21;

    private OnnxModelLoader() {
    }

    /**
     * Loads and validates a model.
     *
     * @param file the {@code .onnx} file
     * @return the parsed model
     * @throws InputException when the file is missing, not ONNX, truncated, or unusable
     */
    public static OnnxModel load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputException("Model file not found: " + file);
        } catch (IOException e) {
            throw new InputException("Cannot read model file " + file + ": " + e.getMessage(), e);
        }
        return load(file, bytes);
    }

    /**
     * Parses model bytes that came from {@code file} (the file's folder is used for external data).
     *
     * @param file  where the bytes came from (for messages and external data)
     * @param bytes the serialized ModelProto
     * @return the parsed model
     */
    public static OnnxModel load(Path file, byte[] bytes) {
        if (bytes.length == 0) {
            throw new InputException(file + " is empty (0 bytes); expected an ONNX model (.onnx protobuf).");
        }
        OnnxMl.ModelProto proto;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(200);
            // the weights' raw data point into the file's bytes (kept anyway for ONNX Runtime) instead of copies
            in.enableAliasing(true);
            proto = OnnxMl.ModelProto.parseFrom(in);
        } catch (IOException e) {
            throw new InputException(file + " is not a readable ONNX model: the protobuf data is "
                    + (e.getMessage() != null && e.getMessage().contains("truncated") ? "truncated" : "malformed")
                    + " (" + e.getMessage() + "). Expected a complete .onnx file, e.g. exported with torch.onnx.export.",
                    e);
        }
        if (proto.getIrVersion() <= 0 || !proto.hasGraph() || proto.getOpsetImportCount() == 0) {
            throw new InputException(file + " is not an ONNX model: it has no "
                    + (proto.getIrVersion() <= 0 ? "IR version" : !proto.hasGraph() ? "graph" : "opset import")
                    + ". Expected a .onnx file exported by PyTorch, tf2onnx or similar.");
        }
        if (!proto.getUnknownFields().asMap().isEmpty() && proto.getGraph().getNodeCount() == 0) {
            throw new InputException(file + " is not an ONNX model: its content does not follow the ONNX format.");
        }
        String sha = sha256(bytes);
        if (hasExternalData(proto.getGraph())) {
            proto = inlineExternalData(file, proto);
            bytes = null; // serialized when a session opens: no second copy of the weights kept
        }
        OnnxModel asFile = new OnnxModel(file, sha, proto, bytes);
        ModelValidator.validate(asFile);
        OpsetUpgrade.Result r = OpsetUpgrade.of(asFile);
        if (r.changes().isEmpty() && r.problem().isEmpty()) {
            return asFile;
        }
        ModelOrigin fileOrigin = asFile.origin();
        ModelOrigin origin = new ModelOrigin(fileOrigin.opset(), fileOrigin.irVersion(), fileOrigin.opCounts(),
                fileOrigin.constantInputs(), r.changes(), r.problem());
        OnnxModel model = new OnnxModel(file, sha, r.proto(), bytes != null ? bytes : asFile.bytes(), origin);
        asFile.warnings().forEach(model::addWarning);
        return model;
    }

    private static boolean hasExternalData(OnnxMl.GraphProto g) {
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                return true;
            }
        }
        return false;
    }

    private static OnnxMl.ModelProto inlineExternalData(Path file, OnnxMl.ModelProto proto) {
        Path folder = file.toAbsolutePath().getParent();
        OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            OnnxMl.TensorProto t = g.getInitializer(i);
            if (t.getDataLocation() != OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                continue;
            }
            String location = null;
            long offset = 0;
            long length = -1;
            for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    default -> { }
                }
            }
            if (location == null || location.isEmpty()) {
                throw new InputException(file + ": tensor '" + t.getName()
                        + "' is stored as external data but names no location.");
            }
            Path data = folder.resolve(location).normalize();
            if (Path.of(location).isAbsolute() || !data.startsWith(folder) || !insideAfterLinks(folder, data)) {
                throw new InputException(file + ": external data of tensor '" + t.getName() + "' points to '"
                        + location + "', outside the model's folder " + folder
                        + ". For safety QuantScope reads external data only from files inside that folder.");
            }
            g.setInitializer(i, t.toBuilder().clearExternalData()
                    .setDataLocation(OnnxMl.TensorProto.DataLocation.DEFAULT)
                    .setRawData(readRange(file, t.getName(), data, offset, length)).build());
        }
        return proto.toBuilder().setGraph(g).build();
    }

    private static boolean insideAfterLinks(Path folder, Path data) {
        try {
            return !Files.exists(data) || data.toRealPath().startsWith(folder.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private static ByteString readRange(Path model, String tensor, Path data, long offset, long length) {
        try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "r")) {
            long len = length >= 0 ? length : f.length() - offset;
            if (offset < 0 || offset + len > f.length() || len > Integer.MAX_VALUE) {
                throw new InputException(model + ": external data of tensor '" + tensor + "' asks for bytes "
                        + offset + ".." + (offset + len) + " of " + data.getFileName() + ", which has only "
                        + f.length() + " bytes.");
            }
            byte[] b = new byte[(int) len];
            f.seek(offset);
            f.readFully(b);
            return ByteString.copyFrom(b);
        } catch (java.io.FileNotFoundException e) {
            throw new InputException(model + ": external data file " + data + " of tensor '" + tensor
                    + "' is missing. Keep it in the same folder as the model.");
        } catch (IOException e) {
            throw new InputException(model + ": cannot read external data " + data + ": " + e.getMessage(), e);
        }
    }

    /** Hex SHA-256 of the given bytes. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
