package org.modelheritage.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the development corpus in {@code ../shared/corpus}. It is not part of the project:
 * tests that need it call {@link #corpus()} and are skipped, with a message, when it is absent.
 */
public final class SharedCorpus {
    private SharedCorpus() {
    }

    /** The shared folder, from the {@code heritage.shared.dir} property the build sets, else ../shared. */
    public static Path sharedDir() {
        String prop = System.getProperty("heritage.shared.dir");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        // Without the build's property: walk up from the working directory looking for ../shared.
        Path dir = Paths.get("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("corpus"))) {
                return candidate.normalize();
            }
        }
        return dir.resolveSibling("shared").normalize();
    }

    /** True when the corpus is there. */
    public static boolean available() {
        return Files.isDirectory(sharedDir().resolve("corpus"));
    }

    /** The corpus folder; skips the calling test when it is absent. */
    public static Path corpus() {
        Path corpus = sharedDir().resolve("corpus");
        assumeTrue(Files.isDirectory(corpus),
                "skipped: the development corpus is not at " + corpus + " (../shared is absent on a bare clone)");
        return corpus;
    }

    /** One subset of the corpus ("vit-ft", "mlp-ft", "vit-lora"); skips when absent. */
    public static Path subset(String name) {
        Path dir = corpus().resolve(name);
        assumeTrue(Files.isDirectory(dir), "skipped: corpus subset " + dir + " is absent");
        return dir;
    }
}
