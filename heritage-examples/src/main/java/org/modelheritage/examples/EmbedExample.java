package org.modelheritage.examples;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;

/**
 * Embeds the lake in a plain Java program: opens it on the embedded default (SQLite and a blob
 * directory under one data directory), adds a directory of weight files, waits for processing,
 * and prints the families and trees the library found from the weights alone.
 *
 * <pre>
 * java -cp heritage-examples/target/heritage-examples.jar org.modelheritage.examples.EmbedExample [MODEL_DIR [DATA_DIR]]
 * </pre>
 * Without MODEL_DIR it writes a few synthetic models ({@link DemoModels}) to ingest; without
 * DATA_DIR the lake lives in a new temporary directory.
 */
public final class EmbedExample {
    private EmbedExample() {
    }

    public static void main(String[] args) throws Exception {
        Path models = args.length > 0 ? Path.of(args[0]) : null;
        Path data = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("heritage-embed-");
        if (models == null) {
            models = Files.createTempDirectory("heritage-demo-models-");
            DemoModels.write(models);
            System.out.println("no model directory given: wrote demo models to " + models);
        }
        run(models, data, System.out);
    }

    /** The example itself: returns the families it printed. */
    public static List<FamilyTree> run(Path modelDir, Path dataDir, PrintStream out) throws Exception {
        out.println("lake in " + dataDir.toAbsolutePath() + " (SQLite " + ModelLake.defaultStoreUri(dataDir)
                + ", blobs " + ModelLake.defaultBlobUri(dataDir) + ")");
        try (ModelLake lake = ModelLake.open(dataDir, LakeOptions.defaults())) {
            int added = LakeIngest.addDirectory(lake, modelDir, out).size();
            out.println("added " + added + " models from " + modelDir + "; processing...");
            if (!lake.awaitIdle(Duration.ofMinutes(10))) {
                throw new IllegalStateException("processing did not finish within 10 minutes");
            }
            return LakeIngest.printFamilies(lake, out);
        }
    }
}
