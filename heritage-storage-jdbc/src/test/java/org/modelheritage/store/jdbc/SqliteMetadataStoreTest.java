package org.modelheritage.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.MetadataStoreContract;
import org.modelheritage.store.NoStoreProviderException;
import org.modelheritage.store.StoreLockedException;
import org.modelheritage.store.Stores;
import org.modelheritage.store.TestModels;

class SqliteMetadataStoreTest extends MetadataStoreContract {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @TempDir
    Path temp;

    @Override
    protected URI newStoreUri() {
        return URI.create("jdbc:sqlite:" + temp.resolve("store" + COUNTER.incrementAndGet()).resolve("heritage.db"));
    }

    @Test
    void theDatabaseUsesWalAndForeignKeys() throws Exception {
        store.insertModel(TestModels.model("m", "m"));
        String file = uri.toString().substring("jdbc:sqlite:".length());
        assertTrue(Files.exists(Path.of(file)));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertEquals("wal", rs.getString(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success = 1 "
                    + "ORDER BY installed_rank DESC")) {
                rs.next();
                assertEquals("5", rs.getString(1), "V5 adds blob holds");
            }
        }
        assertTrue(store.toString().contains("heritage.db"));
    }

    @Test
    void aLargeStoreWithoutPlannerStatisticsGathersThemWhenItOpensSoAModelsEdgesAreFoundByTheModel() throws Exception {
        // a family in a chain: by family, an edge lookup would read all its edges; by child, one
        ChangeSet.Builder b = ChangeSet.builder();
        List<LineageEdge> edges = new java.util.ArrayList<>();
        for (int i = 0; i < JdbcMetadataStore.OPTIMIZE_AT_OPEN_MODELS; i++) {
            b.insertModel(TestModels.model("m" + i, "m" + i));
            if (i > 0) {
                edges.add(new LineageEdge("m" + (i - 1), "m" + i, 0.5, EdgeKind.FINE_TUNE));
            }
        }
        store.apply(b.putFamily("fam", "h", "m0").replaceLineage("fam", edges).build());
        store.close();
        store = Stores.openMetadata(uri);
        String file = uri.toString().substring("jdbc:sqlite:".length());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'lineage_edges'")) {
                rs.next();
                assertTrue(rs.getInt(1) > 0, "the lineage edges were analysed");
            }
            try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN SELECT parent_id FROM lineage_edges "
                    + "WHERE child_id = 'm7' AND family_id = 'fam'")) {
                rs.next();
                assertTrue(rs.getString(4).contains("(child_id=?)"), rs.getString(4));
            }
        }
        assertEquals(java.util.Set.of(new LineageEdge("m6", "m7", 0.5, EdgeKind.FINE_TUNE),
                new LineageEdge("m7", "m8", 0.5, EdgeKind.FINE_TUNE)), java.util.Set.copyOf(store.lineageOf("fam", "m7")));
    }

    @Test
    void aVersionOneDatabaseIsMigratedKeepingItsEdges() throws Exception {
        Path file = temp.resolve("v1").resolve("heritage.db");
        Files.createDirectories(file.getParent());
        VersionOneData.create("jdbc:sqlite:" + file, null, "classpath:db/migration/sqlite", null);
        try (MetadataStore old = Stores.openMetadata(URI.create("jdbc:sqlite:" + file))) {
            VersionOneData.assertMigrated(old);
        }
    }

    @Test
    void aSecondProcessIsRefusedAndToldWhoHoldsTheDatabase() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                OpenOnce.class.getName(), uri.toString()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertEquals(3, child.waitFor(), out);
        assertTrue(out.contains("is in use by another process (pid " + ProcessHandle.current().pid() + " on host "), out);
        assertTrue(out.contains(" since 20"), out);
    }

    @Test
    void aSecondOpenInThisProcessIsRefusedAndTheFirstKeepsWorking() {
        StoreLockedException e = assertThrows(StoreLockedException.class, () -> Stores.openMetadata(uri));
        assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
        store.insertModel(TestModels.model("m", "m"));
        assertEquals(1, store.totals().models());
        store.close();
        store = Stores.openMetadata(uri); // closing released it
        assertEquals(1, store.totals().models());
    }

    /** Child JVM: tries to open the store; exits 3 with the message when it is locked. */
    public static final class OpenOnce {
        public static void main(String[] args) {
            try (MetadataStore s = Stores.openMetadata(URI.create(args[0]))) {
                System.exit(0);
            } catch (StoreLockedException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void inMemoryDatabasesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Stores.openMetadata(URI.create("jdbc:sqlite::memory:")));
        assertTrue(e.getMessage().contains("jdbc:sqlite:PATH"), e.getMessage());
    }

    @Test
    void unknownUrisListTheKnownStores() {
        NoStoreProviderException e = assertThrows(NoStoreProviderException.class,
                () -> Stores.openMetadata(URI.create("jdbc:mysql://localhost/x")));
        assertTrue(e.getMessage().contains("jdbc:sqlite:PATH"), e.getMessage());
        assertTrue(e.getMessage().contains("jdbc:postgresql://HOST"), e.getMessage());
    }
}
