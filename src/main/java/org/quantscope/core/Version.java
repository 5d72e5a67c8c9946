package org.quantscope.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The QuantScope version (from the build) and the versions of the runtime pieces that influence numbers. */
public final class Version {

    private static final Properties PROPS = load();

    private Version() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/org/quantscope/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through with defaults: the version is informational
        }
        return p;
    }

    /** QuantScope version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return PROPS.getProperty("version", "dev");
    }

    /** ONNX Runtime and Java versions, e.g. {@code onnxruntime 1.28.0; Java 17.0.15}. */
    public static String runtime() {
        return "onnxruntime " + PROPS.getProperty("onnxruntime", "?") + "; Java " + System.getProperty("java.version");
    }

    /** ONNX Runtime version this build uses. */
    public static String onnxRuntime() {
        return PROPS.getProperty("onnxruntime", "?");
    }
}
