package org.modelheritage.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Locates the development corpus in {@code ../shared/corpus}. It is not part of the project:
 * tests that need it call {@link #corpus()}; where it is absent they skip with a message, except
 * under {@code CI=true}, where they fail (CI runs in the layout that has it; see
 * {@link Prerequisites}).
 */
public final class SharedCorpus {
    private SharedCorpus() {
    }

    /**
     * The shared folder: the {@code heritage.shared.dir} property the build sets (../shared beside
     * the checkout) when it holds the corpus, else the {@code HERITAGE_SHARED_DIR} environment
     * variable ({@code .ci/run} sets it when the checkout is a clone elsewhere on a machine that has
     * the material), else ../shared found by walking up from the working directory.
     */
    public static Path sharedDir() {
        String prop = System.getProperty("heritage.shared.dir");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Paths.get(prop).resolve("corpus"))) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        String env = System.getenv("HERITAGE_SHARED_DIR");
        if (env != null && !env.isBlank()) {
            return Paths.get(env).toAbsolutePath().normalize();
        }
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

    /** The corpus folder; skips the calling test when it is absent (fails it under CI=true). */
    public static Path corpus() {
        Path corpus = sharedDir().resolve("corpus");
        if (!Files.isDirectory(corpus) && "declared".equals(System.getenv("HERITAGE_CORPUS_ABSENT"))) {
            // .ci/run found no corpus anywhere on this machine and said so in the build log: the
            // corpus is outside data that no script can provide, unlike a database or a browser
            System.err.println("[skipped] the development corpus: none on this machine (declared by .ci/run)");
            org.junit.jupiter.api.Assumptions.abort("no development corpus on this machine (declared by .ci/run)");
        }
        Prerequisites.require(Files.isDirectory(corpus), "the development corpus is not at " + corpus
                + " (it lives beside the project, in ../shared/corpus; -Dheritage.shared.dir=DIR or"
                + " HERITAGE_SHARED_DIR names another place)");
        return corpus;
    }

    /**
     * For a {@code @TestFactory} over the corpus: one dynamic test that skips (or fails, under
     * CI=true) when the corpus is absent, since a factory that skips is not reported as skipped.
     * Null when the corpus is there.
     */
    public static Stream<DynamicTest> absentCorpus() {
        return available() ? null : Stream.of(DynamicTest.dynamicTest("the development corpus", () -> corpus()));
    }

    /**
     * One subset of the corpus ("vit-ft", "mlp-ft", "vit-lora"). A corpus without it is broken,
     * not absent: that fails.
     */
    public static Path subset(String name) {
        Path dir = corpus().resolve(name);
        if (!Files.isDirectory(dir)) {
            fail("the development corpus at " + dir.getParent() + " has no subset " + name);
        }
        return dir;
    }
}
