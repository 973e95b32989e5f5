package org.modelheritage.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.store.LakeTotals;
import org.modelheritage.store.ModelStatus;

class EmbedExampleTest {

    @Test
    void ingestsADirectoryIntoTheEmbeddedDefaultAndPrintsItsFamilies(@TempDir Path tmp) throws Exception {
        Path models = tmp.resolve("models");
        List<DemoModels.Written> written = DemoModels.write(models);
        Files.writeString(models.resolve("README.txt"), "not a weight file");
        Path data = tmp.resolve("data");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        List<FamilyTree> trees = EmbedExample.run(models, data, new PrintStream(buffer, true, StandardCharsets.UTF_8));

        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(Files.isRegularFile(data.resolve("heritage.db")), "SQLite database in the data directory");
        assertTrue(Files.isDirectory(data.resolve("blobs")), "blob directory in the data directory");
        assertTrue(printed.contains("skipped README.txt"), printed);
        assertEquals(written.size(), trees.stream().mapToInt(t -> t.nodes().size()).sum());
        for (DemoModels.Written w : written) {
            assertTrue(printed.contains(w.name()), w.name() + " printed:\n" + printed);
        }
        DemoTreeCheck.check(written, trees);
        assertTrue(printed.contains("3 families:"), printed);

        // What the example left behind is a real lake: reopened, every model is there and processed.
        try (ModelLake lake = ModelLake.open(data, LakeOptions.defaults())) {
            LakeTotals totals = lake.stats();
            assertEquals(written.size(), totals.models());
            assertEquals((long) written.size(), totals.modelsByStatus().get(ModelStatus.READY));
            assertEquals(trees.size(), totals.families());
        }
    }
}
