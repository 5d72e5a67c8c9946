package org.quantscope.core.onnx;

import org.quantscope.core.Version;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Unpacks ONNX Runtime's native libraries once into {@code ~/.cache/quantscope/onnxruntime/VERSION/PLATFORM} and
 * points {@code onnxruntime.native.path} there. Without it ONNX Runtime copies ~24 MB into a new temporary folder on
 * every start and leaves the empty folder behind. Any failure leaves ONNX Runtime's own loading in place.
 */
final class NativeLibraryCache {

    private static volatile boolean done;

    private NativeLibraryCache() {
    }

    /** Prepares the cache (once per JVM) unless the user already set {@code onnxruntime.native.path}. */
    static synchronized void prepare() {
        if (done || System.getProperty("onnxruntime.native.path") != null) {
            done = true;
            return;
        }
        done = true;
        String platform = platform();
        if (platform == null) {
            return;
        }
        boolean windows = platform.startsWith("win");
        String ext = windows ? ".dll" : platform.startsWith("osx") ? ".dylib" : ".so";
        String prefix = windows ? "" : "lib";
        String[] libs = {prefix + "onnxruntime" + ext, prefix + "onnxruntime4j_jni" + ext};
        Path dir = cacheRoot().resolve("onnxruntime").resolve(Version.onnxRuntime()).resolve(platform);
        try {
            Files.createDirectories(dir);
            for (String lib : libs) {
                String res = "/ai/onnxruntime/native/" + platform + "/" + lib;
                try (InputStream in = NativeLibraryCache.class.getResourceAsStream(res)) {
                    if (in == null) {
                        return;
                    }
                    Path target = dir.resolve(lib);
                    if (!Files.isRegularFile(target)) {
                        Path tmp = Files.createTempFile(dir, lib, ".part");
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            System.setProperty("onnxruntime.native.path", dir.toString());
        } catch (IOException | RuntimeException e) {
            // ONNX Runtime falls back to unpacking into a temporary folder by itself
        }
    }

    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
        if (a == null) {
            return null;
        }
        if (os.contains("linux")) {
            return "linux-" + a;
        }
        if (os.contains("mac")) {
            return "osx-" + a;
        }
        return os.contains("win") ? "win-" + a : null;
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg, "quantscope")
                : Path.of(System.getProperty("user.home"), ".cache", "quantscope");
    }
}
