package org.modelheritage.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.MetadataStoreProvider;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.NoStoreProviderException;
import org.modelheritage.store.Stores;

class CustomStoreExampleTest {

    @Test
    void serviceLoaderFindsTheProviderByItsUri() {
        List<MetadataStoreProvider> providers = Stores.metadataProviders();
        MetadataStoreProvider mem = providers.stream().filter(p -> p instanceof InMemoryStoreProvider).findFirst()
                .orElseThrow(() -> new AssertionError("InMemoryStoreProvider not registered: " + providers));
        assertTrue(mem.accepts(URI.create("mem:anything")));
        assertFalse(mem.accepts(URI.create("file:/tmp/blobs")));
        assertFalse(mem.accepts(URI.create("jdbc:sqlite:x.db")));
        // The SQLite provider is on the class path too; each URI goes to the provider that accepts it.
        assertTrue(providers.size() >= 2, providers.toString());
        try (MetadataStore store = Stores.openMetadata(URI.create("mem:lookup-" + UUID.randomUUID()))) {
            assertInstanceOf(InMemoryMetadataStore.class, store);
        }
        assertThrows(NoStoreProviderException.class, () -> Stores.openMetadata(URI.create("nosuch:x")));
    }

    @Test
    void aLakeRunsOnTheCustomStore(@TempDir Path tmp) throws Exception {
        Path models = tmp.resolve("models");
        List<DemoModels.Written> written = DemoModels.write(models);
        URI store = URI.create("mem:example-" + UUID.randomUUID());
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        List<FamilyTree> trees = CustomStoreExample.run(store, tmp.resolve("blobs"), models,
                new PrintStream(buffer, true, StandardCharsets.UTF_8));

        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("in-memory  mem:NAME   <- accepts " + store), printed);
        assertEquals(written.size(), trees.stream().mapToInt(t -> t.nodes().size()).sum());
        DemoTreeCheck.check(written, trees);
        // The lake's whole state went to the in-memory store: reopening on the same name finds it.
        try (ModelLake lake = ModelLake.open(store, tmp.resolve("blobs").toUri(), LakeOptions.defaults())) {
            assertEquals(written.size(), lake.stats().models());
            assertEquals((long) written.size(), lake.stats().modelsByStatus().get(ModelStatus.READY));
            assertEquals(trees.size(), lake.stats().families());
            assertEquals(List.of("base-a-ft0", "base-a-ft0-ft0", "base-a-ft1-ft0", "base-b-ft0", "base-b-ft0-ft0",
                    "base-b-ft1-ft0"), lake.models("FT0", 0, 100).items().stream().map(m -> m.name()).toList());
        }
    }
}
