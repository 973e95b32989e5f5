package org.modelheritage.examples;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's PyTorch engine from the native libraries shipped on the class path as Maven
 * artifacts ({@code pytorch-native-cpu:linux-x86_64} and {@code pytorch-jni}), never from the
 * network.
 *
 * <p>DJL looks for {@code native/lib/pytorch.properties} on the class path; when the
 * {@code pytorch-native-cpu} jar is there, it extracts the libraries to its cache directory
 * ({@code ~/.djl.ai/pytorch} unless {@code DJL_CACHE_DIR}/{@code ENGINE_CACHE_DIR} say
 * otherwise) once and loads them from there. It would only go to the network when that jar is
 * missing or when {@code PYTORCH_VERSION} asks for another version; {@code ai.djl.offline=true}
 * turns both of those into an error instead of a download, so a missing jar fails loudly.
 */
public final class OfflinePyTorch {
    private static final Logger log = LoggerFactory.getLogger(OfflinePyTorch.class);

    /** The PyTorch version whose natives the examples' pom puts on the class path. */
    public static final String NATIVE_VERSION = "2.7.1";

    private OfflinePyTorch() {
    }

    /** Configures DJL for offline use and returns the loaded PyTorch engine. */
    public static synchronized Engine engine() {
        System.setProperty("ai.djl.offline", "true");
        // Nothing but PyTorch on the class path, but say so: DJL would otherwise pick by rank.
        System.setProperty("ai.djl.default_engine", "PyTorch");
        // A PYTORCH_VERSION other than the jar's would send DJL to the network for natives.
        String requested = System.getenv("PYTORCH_VERSION");
        if (requested != null && !requested.isEmpty() && !requested.equals(NATIVE_VERSION)) {
            throw new IllegalStateException("PYTORCH_VERSION=" + requested + " but only the bundled "
                    + NATIVE_VERSION + " natives may be used (no downloads at run time); unset it");
        }
        System.setProperty("PYTORCH_VERSION", NATIVE_VERSION);
        // The examples' networks are tiny: one thread beats OpenMP's spinning workers, above all
        // on a busy machine. An explicit -D setting wins.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        Engine engine = Engine.getEngine("PyTorch");
        log.info("DJL engine {} {} (natives cached under {})", engine.getEngineName(), engine.getVersion(),
                Path.of(System.getProperty("user.home"), ".djl.ai"));
        return engine;
    }
}
