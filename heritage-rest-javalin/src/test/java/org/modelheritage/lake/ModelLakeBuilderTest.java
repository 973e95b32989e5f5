package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.TestWeights;
import org.modelheritage.store.DirectoryBlobStore;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.StoreOptions;
import org.modelheritage.store.Stores;
import org.modelheritage.store.jdbc.JdbcMetadataStores;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

class ModelLakeBuilderTest {
    @TempDir
    Path dir;

    SQLiteDataSource sqlite(boolean foreignKeys) {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(foreignKeys);
        config.setBusyTimeout(30_000);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + dir.resolve("app.db"));
        return ds;
    }

    Model addOne(ModelLake lake, String name, long seed) throws Exception {
        Path file = dir.resolve("in").resolve(name + ".safetensors");
        Files.createDirectories(file.getParent());
        Files.write(file, TestWeights.safetensors(TestWeights.random(2, 8, seed)));
        Model m = lake.add(name, null, List.of(file));
        assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
        return lake.model(m.id()).orElseThrow();
    }

    static long count(SQLiteDataSource ds, String table) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void readyMadeStoresOverTheApplicationsDataSource() throws Exception {
        SQLiteDataSource app = sqlite(true);
        try (ModelLake lake = ModelLake.builder()
                .metadataStore(JdbcMetadataStores.open(app))
                .blobStore(DirectoryBlobStore.open(dir.resolve("blobs")))
                .options(LakeOptions.defaults().withWorkers(1).withWorkDir(dir.resolve("work")))
                .build()) {
            assertEquals(ModelStatus.READY, addOne(lake, "first", 1).status());
            assertEquals(1, lake.options().workers());
        }
        // the lake closed its stores, not the application's data source
        assertEquals(1, count(app, "models"));
        assertTrue(Files.isDirectory(dir.resolve("blobs")));
    }

    @Test
    void aDataSourceGivenToTheBuilderFindsItsProvider() throws Exception {
        SQLiteDataSource app = sqlite(true);
        try (ModelLake lake = ModelLake.builder().metadataStore(app).dataDirectory(dir.resolve("lake"))
                .options(LakeOptions.defaults().withWorkDir(dir.resolve("work"))).build()) {
            assertEquals(ModelStatus.READY, addOne(lake, "first", 2).status());
        }
        assertEquals(1, count(app, "models"));
        // metadata went to the data source, only the blobs to the data directory
        assertTrue(Files.isDirectory(dir.resolve("lake").resolve("blobs")));
        assertEquals(false, Files.exists(dir.resolve("lake").resolve("heritage.db")));
    }

    @Test
    void storesByUriWithTypedOptions() throws Exception {
        URI db = ModelLake.defaultStoreUri(dir.resolve("uri"));
        try (ModelLake lake = ModelLake.builder()
                .metadataStore(db, StoreOptions.defaults().withPoolSize(2))
                .blobStore(dir.resolve("uri-blobs").toUri())
                .options(LakeOptions.defaults().withWorkDir(dir.resolve("work"))).build()) {
            assertEquals(ModelStatus.READY, addOne(lake, "first", 3).status());
        }
        try (ModelLake again = ModelLake.open(db, dir.resolve("uri-blobs").toUri(),
                LakeOptions.defaults().withWorkDir(dir.resolve("work")))) {
            assertEquals(1, again.models(null, 0, 10).total());
        }
    }

    @Test
    void typedOptionsReachTheProviderAsItsMapAndHideThePassword() {
        StoreOptions o = StoreOptions.defaults().withUser("heritage").withPassword("s3cret").withPoolSize(16);
        assertEquals(Map.of("user", "heritage", "password", "s3cret", "poolSize", "16"), o.asMap());
        assertEquals("StoreOptions[user=heritage, password=***, poolSize=16]", o.toString());
        assertEquals(Map.of(), StoreOptions.defaults().asMap());
        assertThrows(IllegalArgumentException.class, () -> StoreOptions.defaults().withPoolSize(0));
    }

    @Test
    void refusesWhatCannotMakeALake() {
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> ModelLake.builder().build());
        assertEquals("the lake needs a metadata store: give one, or a data directory", none.getMessage());
        IllegalStateException noBlobs = assertThrows(IllegalStateException.class,
                () -> ModelLake.builder().metadataStore(sqlite(true)).build());
        assertEquals("the lake needs a blob store: give one, or a data directory", noBlobs.getMessage());
        IllegalArgumentException noKeys = assertThrows(IllegalArgumentException.class,
                () -> JdbcMetadataStores.open(sqlite(false)));
        assertTrue(noKeys.getMessage().startsWith("the SQLite data source's connections do not enforce foreign keys"),
                noKeys.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Stores.openMetadata(sqlite(false)));
    }
}
