package org.modelheritage.examples;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Stores;

/**
 * A storage provider of your own: {@link InMemoryStoreProvider} serves {@code mem:NAME} URIs and
 * is listed in this module's {@code META-INF/services/org.modelheritage.store.MetadataStoreProvider}.
 * Nothing else registers it: {@link Stores} asks every provider that {@link java.util.ServiceLoader}
 * finds whether it accepts the URI, as JDBC's {@code DriverManager} does, and a lake opened on
 * {@code mem:demo} runs on it.
 *
 * <pre>
 * java -cp heritage-examples/target/heritage-examples.jar org.modelheritage.examples.CustomStoreExample [MODEL_DIR]
 * </pre>
 */
public final class CustomStoreExample {
    private CustomStoreExample() {
    }

    public static void main(String[] args) throws Exception {
        Path models;
        if (args.length > 0) {
            models = Path.of(args[0]);
        } else {
            models = Files.createTempDirectory("heritage-demo-models-");
            DemoModels.write(models);
        }
        run(URI.create("mem:demo"), Files.createTempDirectory("heritage-blobs-"), models, System.out);
    }

    /** Opens a lake on the in-memory store at {@code storeUri}, adds the models and prints the families. */
    public static List<FamilyTree> run(URI storeUri, Path blobDir, Path modelDir, PrintStream out) throws Exception {
        out.println("metadata store providers on the class path:");
        Stores.metadataProviders().forEach(p -> out.println("  " + p.name() + "  " + p.uriSyntax()
                + (p.accepts(storeUri) ? "   <- accepts " + storeUri : "")));
        try (MetadataStore direct = Stores.openMetadata(storeUri)) {
            out.println(storeUri + " opened as " + direct.getClass().getSimpleName());
        }
        try (ModelLake lake = ModelLake.open(storeUri, blobDir.toUri(), LakeOptions.defaults())) {
            int added = LakeIngest.addDirectory(lake, modelDir, out).size();
            out.println("added " + added + " models; processing...");
            if (!lake.awaitIdle(Duration.ofMinutes(10))) {
                throw new IllegalStateException("processing did not finish within 10 minutes");
            }
            out.println(lake.stats().models() + " models, " + lake.stats().families() + " families in " + storeUri);
            return LakeIngest.printFamilies(lake, out);
        }
    }
}
